"""The content pipeline: Markdown as practitioners write it -> the safe HTML patients read.

One path for every caller (the live preview, form validation, the importers and
the save): `content.pipeline.render()`. Citations and timeline charts are
tokens of the Markdown parser (`content.citations`, `content.timeline`), so
code is never touched; nh3 keeps only the allow-listed HTML
(`content.sanitize`); what a citation looks like is written once
(`content.markup`).
"""
