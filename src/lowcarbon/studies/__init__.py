"""Products and their footprint studies, per organisation: each study keeps the exact model it was computed from,
and the factor files that model names.

model       the API's shapes: ProductIn, Product, StudyIn, StudySummary, Study, ProductPage, StudyPage, Comparison
compute     the model file of a study (YAML, JSON or Excel) and its factor files, their validation, and the job
            that computes them together in one folder
uploads     a model or factor file as uploaded: its format (named, or by the file's name), its size limit, its stored
            content
tables      products, studies, study_files (the migrations are in migrations/versions, branch "studies")
service     create and list products and studies, compare a product's versions, store a job's result
routes      /api/products, /api/products/{id}/studies, /api/studies/{id} (with /model and /files),
            /api/products/{id}/comparison, for people
            (session cookie) and machine clients (bearer token, scopes studies:read and studies:write)
"""
