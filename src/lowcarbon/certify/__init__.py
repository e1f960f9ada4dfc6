"""Certification and labels: schemes as data, applications between organisations, the workflow as a state machine,
footprint verification, certificates signed as JWS (EdDSA over Ed25519) and the public registry that checks them.
See README.md."""
