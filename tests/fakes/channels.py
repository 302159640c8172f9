"""A channel that records what it was asked and replies from a script."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from broadcasts.channels.base import Broadcast, Delivery
from broadcasts.models import Outcome

Step = Callable[[Broadcast], Delivery]


class RecordingChannel:
    """Returns `aired`/`posted` unless a scripted step (a Delivery or an exception) is queued."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.published: list[Broadcast] = []
        self.script: deque[Delivery | BaseException] = deque()
        self.recovered: list[Broadcast] = []
        self.recover_answer: Delivery | None = None

    def then(self, *steps: Delivery | BaseException) -> RecordingChannel:
        self.script.extend(steps)
        return self

    def publish(self, broadcast: Broadcast) -> Delivery:
        self.published.append(broadcast)
        if self.script:
            step = self.script.popleft()
            if isinstance(step, BaseException):
                raise step
            return step
        outcome = Outcome.aired if self.name == "radio" else Outcome.posted
        return Delivery(outcome=outcome, external_id=f"{self.name}-{broadcast.airing_id}")

    def recover(self, broadcast: Broadcast) -> Delivery | None:
        self.recovered.append(broadcast)
        return self.recover_answer
