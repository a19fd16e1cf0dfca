"""Import and export of producers and products as .xlsx and .csv files.

- ``columns``: the file format — one column per field, fixed Vietnamese headers, how each
  cell is read and written, so that an export re-imports without changes;
- ``reading``: an uploaded file into its header row and data rows;
- ``base`` and ``importers``: per-row validation with the models' own validators, and the
  bulk, audited write; ``importing.run_import()`` is the entry point (dry run or commit);
- ``bulk``: bulk inserts (PostgreSQL ``COPY``);
- ``exporting``: filtered lists and blank templates as files;
- ``forms``: the upload form.
"""

KINDS = ("producers", "products")
FORMATS = ("xlsx", "csv")
