"""What goes out: the data model and store, the channels, the broadcast log and the report's figures.

- `models`, `accounts`: the tables (SQLAlchemy 2.0); `store`: opening the database, migrations;
- `channels`: the registry and one module per channel (radio, facebook, zalo);
- `log`: reading the broadcast log; `report`: the periodic report's figures;
- `errors`, `redact`: the errors of this layer, and scrubbing secrets from text.
"""
