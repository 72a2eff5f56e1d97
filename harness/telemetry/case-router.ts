/** The orchestrator's span exporter: one process runs many cases, each with its own world, so spans go where their run id says. */
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR } from './attributes.js';

type Done = Parameters<SpanExporter['export']>[1];

function exportTo(exporter: SpanExporter, spans: ReadableSpan[]): Promise<boolean> {
  return new Promise((resolve) => exporter.export(spans, (r) => resolve(r.code === ExportResultCode.SUCCESS)));
}

export class CaseRouter implements SpanExporter {
  private readonly routes = new Map<string, SpanExporter[]>();

  add(runId: string, exporters: SpanExporter[]): void {
    this.routes.set(runId, exporters);
  }

  /** Forgets a case once its spans are flushed; its exporters are shut down. */
  async remove(runId: string): Promise<void> {
    const list = this.routes.get(runId) ?? [];
    this.routes.delete(runId);
    await Promise.allSettled(list.map((e) => e.shutdown()));
  }

  export(spans: ReadableSpan[], done: Done): void {
    const groups = new Map<string, ReadableSpan[]>();
    for (const s of spans) {
      const id = String(s.attributes[ATTR.runId] ?? '');
      groups.set(id, [...(groups.get(id) ?? []), s]);
    }
    const sends = [...groups].flatMap(([id, list]) => (this.routes.get(id) ?? []).map((e) => exportTo(e, list)));
    void Promise.all(sends).then((oks) => done({ code: oks.every(Boolean) ? ExportResultCode.SUCCESS : ExportResultCode.FAILED }));
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([...this.routes.keys()].map((id) => this.remove(id)));
  }

  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this.routes.values()].flat().map((e) => e.forceFlush?.() ?? Promise.resolve()));
  }
}
