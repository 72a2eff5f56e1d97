"""The pydantic-ai adapter's worker: a Pydantic AI agent made durable by its TemporalDurability capability."""
