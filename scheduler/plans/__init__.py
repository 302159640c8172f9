"""Reading plan documents ("Kế hoạch tuyên truyền") into items and channels.

- `documents`: the text of a .txt, .md, .docx or .pdf file;
- `lines`: clean lines (no Markdown marks, page numbers or repeated headers);
- `syntax`: item markers and section headings;
- `meta`: title, year, issuer and channel kinds;
- `parse`: `parse_plan(text) -> ParsedPlan`, the content items.
"""
