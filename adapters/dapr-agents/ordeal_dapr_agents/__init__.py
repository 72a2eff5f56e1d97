"""The dapr-agents adapter's Python side: a Dapr Agents DurableAgent with ordeal's tools, run by its AgentRunner."""
