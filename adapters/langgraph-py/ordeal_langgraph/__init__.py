"""The langgraph-py adapter's Python side: a LangGraph 1.2 agent (StateGraph or functional API) run by ordeal."""
