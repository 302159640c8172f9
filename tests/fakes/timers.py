"""A stand-in for APScheduler's BackgroundScheduler, driven by a fake clock: jobs run when told."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class FakeJob:
    id: str
    func: Callable[..., Any]
    args: list[Any]
    executor: str
    run_date: datetime | None
    owner: FakeTimers = field(repr=False)

    def reschedule(self, trigger: str, run_date: datetime) -> None:
        assert trigger == "date"
        self.run_date = run_date

    def remove(self) -> None:
        if self.owner.jobs.get(self.id) is not self:
            raise LookupError(self.id)  # APScheduler's JobLookupError is a KeyError
        del self.owner.jobs[self.id]


class FakeTimers:
    """add_job/get_job like APScheduler; `run_until(t)` runs the date jobs due by `t`, in time order."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.jobs: dict[str, FakeJob] = {}
        self.added: list[str] = []  # every job id ever added, in order
        self.started = False

    def add_job(
        self,
        func: Callable[..., Any],
        trigger: str,
        *,
        id: str,
        executor: str = "default",
        run_date: datetime | None = None,
        args: list[Any] | None = None,
        replace_existing: bool = False,
        **_: Any,
    ) -> FakeJob:
        if id in self.jobs and not replace_existing:
            raise ValueError(f"job {id} exists")
        job = FakeJob(
            id=id,
            func=func,
            args=list(args or []),
            executor=executor,
            run_date=run_date if trigger == "date" else None,
            owner=self,
        )
        self.jobs[id] = job
        self.added.append(id)
        return job

    def get_job(self, job_id: str) -> FakeJob | None:
        return self.jobs.get(job_id)

    def start(self) -> None:
        self.started = True

    def shutdown(self, wait: bool = True) -> None:
        self.started = False

    def pending(self, prefix: str) -> dict[str, datetime]:
        return {i: j.run_date for i, j in self.jobs.items() if i.startswith(prefix) and j.run_date is not None}

    def run_until(self, moment: datetime) -> list[str]:
        """Run (and remove) every date job due by `moment`, earliest first, each at its own time on the
        fake clock; leave the clock at `moment`; return the ids run."""
        ran: list[str] = []
        while True:
            due = sorted(
                (j for j in self.jobs.values() if j.run_date is not None and j.run_date <= moment),
                key=lambda j: (j.run_date, j.id),
            )
            if not due:
                if self.clock.now() < moment:
                    self.clock.set(moment)
                return ran
            job = due[0]
            del self.jobs[job.id]
            if job.run_date > self.clock.now():
                self.clock.set(job.run_date)
            job.func(*job.args)
            ran.append(job.id)
