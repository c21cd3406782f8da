"""The documents the service produces: PDF forms (`render`), their detached CMS
signatures (`sign`) and the content-addressed folder they are kept in (`store`).

Nothing is re-exported here so that `import documents.store` does not load fpdf2."""
