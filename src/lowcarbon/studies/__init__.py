"""Products and their footprint studies, per organisation: each study keeps the exact model it was computed from.

model       the API's shapes: ProductIn, Product, StudyIn, StudySummary, Study, ProductPage, StudyPage, Comparison
compute     the model file of a study (YAML, JSON or Excel), its validation, and the job that computes it
uploads     a model file as uploaded: its format (named, or by the file's name), its size limit, its stored content
tables      products, studies (the migrations are in migrations/versions, branch "studies")
service     create and list products and studies, compare a product's versions, store a job's result
routes      /api/products, /api/products/{id}/studies, /api/studies/{id}, /api/products/{id}/comparison, for people
            (session cookie) and machine clients (bearer token, scopes studies:read and studies:write)
"""
