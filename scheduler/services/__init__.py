"""The use cases the command line, the web console and the API call; each takes an App.

- `queue`: queue a bulletin on its channels, import and read plans, read the log;
- `approval`: drafts, approve, reject, emergency;
- `social`: check, reconcile, retry and mark the social channels;
- `records`: a page of the broadcast log, the periodic report;
- `console`: what the web console shows (today, channel status, a record's audio);
- `listen`: render a preview before queueing ("Nghe thử");
- `users`: accounts, roles, tokens, the audit trail;
- `archive`: the aired-audio archive and its pruning.
"""
