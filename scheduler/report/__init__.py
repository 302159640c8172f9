"""The periodic report ("báo cáo định kỳ") as people read it.

- `labels`: its words, in Vietnamese and English;
- `files`: the .xlsx workbook or .csv file;
- `xlsx`: the workbook's sheets and charts;
- `svg`: the charts for the web console;
- `cells`: text that looks like a formula kept as text (no CSV/formula injection).

The figures themselves are computed by `broadcasts.report` into the dataclasses of `broadcasts.figures`.
"""
