"""The daily programme: when things air.

- `times`: reading `--at` and dates, the next air time of a slot (pure);
- `slots`: slot occurrences, quiet hours, running order, rotation (pure);
- `planner`: places airings in slots and fills slots from the plan (database);
- `rotation`: what fills a slot from the plan in turn: the order of items, the last one aired, generated bulletins;
- `limits`: how long a bulletin may be (raw size, estimated spoken length, the social channels' text limits).
"""
