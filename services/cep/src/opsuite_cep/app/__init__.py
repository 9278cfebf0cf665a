"""Use cases of cep between the servicers and storage/domain: engine hosting, ingestion, alerts,
channels and delivery, the scheduler."""
