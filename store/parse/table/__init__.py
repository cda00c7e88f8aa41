"""Recover the three standard tables from lines of tokens, in small pure steps.

========================  ===================================================================
``prepare``               the lines of a table region made ready: spacing, labels in context
``assemble``              rows: a label followed by its cells, in any layout
``labels``                how well a label fits a template row; headings, whole and partial labels
``align``                 which printed row is which template row (template order, label scores)
``separated``             labels printed apart from their figures, given their figures in template order
``fit``                   a printed row's cells to the template row's columns
``solve``                 rows that lost cells, placed only where the 勾稽关系 determine it
``build``                 section 二 and 三 as records under the rules of the statuses
``review``                section 四 (fifteen figures under a two-level header)
``trace``                 what each step did, for ``disclosure-bot show … --explain``
``settings``              the tuning constants, in one object
========================  ===================================================================

A row that lost a cell is resolved with the 勾稽关系 when they determine it; otherwise its cells
are stored as ``uncertain`` — never a guessed figure.  ``blank`` is stored only where a matched
row showed a cell empty.
"""

from store.parse.table.build import TableResult, parse_row_table
from store.parse.table.review import parse_review_table
from store.parse.table.settings import SETTINGS, TableSettings
from store.parse.table.trace import TableTrace, format_trace

__all__ = ["TableResult", "parse_row_table", "parse_review_table", "SETTINGS", "TableSettings", "TableTrace",
           "format_trace"]
