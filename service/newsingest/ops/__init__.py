"""Operations: what the pipeline is doing (``status``) and the files it could not ingest (``failed``)."""
