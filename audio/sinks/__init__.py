"""Where radio audio goes (`base.Sink`: `play(path, key) -> Played`).

- `folder`: an outbox folder a vendor platform picks up (the default);
- `device`: the sound card, in real time;
- `icecast`: the live source of an Icecast mount;
- `command`: a configured command with {file};
- `ledger`: the hand-over ledger each sink keeps; `process`: a player subprocess.
"""
