"""The persistent checkpointer: SqliteSaver on a file in the data dir, or PostgresSaver; writes can be reported once durable."""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from .options import Options

CHECKPOINT_FILE = "checkpoints.sqlite"


@dataclass
class Saver:
    saver: BaseCheckpointSaver[Any]
    close: Callable[[], None]


def open_saver(o: Options, data_dir: str, read_only: bool = False) -> Saver | None:
    """The store the worker writes (tables created if missing); read-only for the orchestrator's outcome, None while absent."""
    if o.store == "postgres":
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg import Connection
        from psycopg.rows import dict_row

        conn = Connection.connect(o.postgres_url or "", autocommit=True, prepare_threshold=0, row_factory=dict_row)
        pg = PostgresSaver(conn)
        if not read_only:
            pg.setup()
        return Saver(pg, conn.close)
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = os.path.join(data_dir, CHECKPOINT_FILE)
    if read_only and not os.path.exists(path):
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro" if read_only else path, uri=read_only, check_same_thread=False)
    sq = SqliteSaver(db)
    if read_only:
        sq.is_setup = True  # a read-only connection cannot run the CREATE TABLEs; the worker already did
    return Saver(sq, db.close)


Journaled = Callable[[str, int | None, dict[str, Any]], None]


def report_writes(saver: BaseCheckpointSaver[Any], on_journaled: Journaled) -> None:
    """Reports each write once it is durable: `put` (a superstep's checkpoint) and `put_writes` (a task's result)."""
    put, put_writes = saver.put, saver.put_writes

    def put_and_report(config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
        r = put(config, checkpoint, metadata, new_versions)
        on_journaled("put", metadata.get("step"), {"checkpoint": checkpoint["id"], "source": metadata.get("source")})
        return r

    def put_writes_and_report(config: Any, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = "") -> None:
        put_writes(config, writes, task_id, task_path)
        on_journaled("putWrites", None, {"task": task_id, "channels": [c for c, _ in writes]})

    saver.put = put_and_report  # type: ignore[method-assign]
    saver.put_writes = put_writes_and_report  # type: ignore[method-assign]
