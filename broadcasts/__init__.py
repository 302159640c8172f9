"""What goes out: the data model and store, the channels, the broadcast log and the report's figures.

- `models`, `accounts`: the tables (SQLAlchemy 2.0); `outcomes`: what can happen to an airing;
  `store`: opening the database, migrations;
- `channels`: the registry and one module per channel (radio, facebook, zalo, led);
- `log`: writing and reading the broadcast log; `report`: the periodic report's queries, into the
  dataclasses of `figures`; `province_report`: the province's month across its stations;
- `wakeups`: PostgreSQL LISTEN/NOTIFY, so a change to what is due wakes the runners at once;
- `errors`, `redact`: the errors of this layer, and scrubbing secrets from text.
"""
