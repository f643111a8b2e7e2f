// SPDX-License-Identifier: Apache-2.0
// Nodes and edges of a history snapshot, built lazily: metadata JSON is parsed on first read, and a
// node found through an index may start as a bare ID whose row is fetched (with its group) on use.
import type { Edge, Metadata, Node } from '../../graph/types.js';
import type { RevisionRow } from './rows.js';

/** Fetches the rows of a group of bare nodes at once (one query), then attaches them. */
export interface RowGroup {
  materialize(): void;
}

abstract class HistoryElement {
  abstract get kind(): 'node' | 'edge';
  protected r: RevisionRow | undefined;
  private md: Metadata | undefined;
  private del: number | undefined | null = null;

  constructor(
    readonly id: string,
    row: RevisionRow | undefined,
    protected readonly at: number,
    private readonly group: RowGroup | undefined,
  ) {
    this.r = row;
  }

  /** Gives a bare element its row. */
  attach(row: RevisionRow): void {
    this.r ??= row;
  }

  protected row(): RevisionRow {
    if (this.r === undefined) this.group?.materialize();
    if (this.r === undefined) throw new Error(`history row of ${this.id} is missing`);
    return this.r;
  }

  get metadata(): Metadata {
    return (this.md ??= JSON.parse(this.row().metadata) as Metadata);
  }
  set metadata(v: Metadata) {
    this.md = v;
  }
  get host(): string {
    return this.row().host;
  }
  set host(v: string) {
    this.row().host = v;
  }
  get origin(): string {
    return this.row().origin;
  }
  set origin(v: string) {
    this.row().origin = v;
  }
  get createdAt(): number {
    return this.row().createdAt ?? 0;
  }
  set createdAt(v: number) {
    this.row().createdAt = v;
  }
  get updatedAt(): number {
    return this.row().updatedAt ?? 0;
  }
  set updatedAt(v: number) {
    this.row().updatedAt = v;
  }
  /** DeletedAt shows only once it has happened at the view's time. */
  get deletedAt(): number | undefined {
    if (this.del === null) {
      const d = this.row().deletedAt;
      this.del = d !== null && d <= this.at ? d : undefined;
    }
    return this.del;
  }
  set deletedAt(v: number | undefined) {
    this.del = v;
  }
  get revision(): number {
    return this.row().revision;
  }
  set revision(v: number) {
    this.row().revision = v;
  }
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      id: this.id,
      metadata: this.metadata,
      host: this.host,
      origin: this.origin,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      deletedAt: this.deletedAt,
      revision: this.revision,
    };
  }
}

/** A node of a history snapshot. */
export class HistoryNode extends HistoryElement implements Node {
  get kind(): 'node' {
    return 'node';
  }
}

/** An edge of a history snapshot (always built from a full row: adjacency needs its ends). */
export class HistoryEdge extends HistoryElement implements Edge {
  readonly parent: string;
  readonly child: string;
  constructor(row: RevisionRow, at: number) {
    super(row.id, row, at, undefined);
    this.parent = row.parent ?? '';
    this.child = row.child ?? '';
  }
  get kind(): 'edge' {
    return 'edge';
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), parent: this.parent, child: this.child };
  }
}
