//! Stage 2: the DocSpace client, the only code that knows URLs and JSON shapes.
