"""The use cases the command line, the web console and the API call; each takes an App.

- `queue`: queue a bulletin on its channels, and the notices the operator gets about it;
- `plans`: import a plan document, choose the plan in use, list the stored plans, read one back;
- `approval`: drafts, approve, reject, emergency;
- `bulletins`: list and show bulletins before they air, and who may change one;
- `changes`: cancel (and stop the radio), move or edit a bulletin before it airs;
- `social`: check, reconcile, retry and mark the social channels;
- `records`: the broadcast log's records and pages, the periodic report and its period;
- `console`: what the web console shows (today, channel status, a record's audio);
- `listen`: render a preview before queueing ("Nghe thử");
- `users`: accounts, roles, tokens, the audit trail;
- `archive`: the aired-audio archive and its pruning.
"""
