// SPDX-License-Identifier: Apache-2.0
// Checks a capture body as Skydive's validator and capture API do (skydive-compat §3.3): a Gremlin
// query that parses, a BPF filter libpcap compiles, known type and key mode, value ranges, the
// capabilities of the type, and export targets (which this analyzer refuses as unsupported).
import { InvalidArgumentError } from '../../graph/errors.js';
import { CAPTURE_TYPES, captureCapabilities, type Capture } from '../../protocol/capture.js';
import { bpfError } from '../../flow/query/bpf.js';

/** Code of a capture body the API refuses. */
export const ERR_INVALID_CAPTURE = 'SKY_ERR_INVALID_CAPTURE';
/** Code of a capture asking for something this implementation does not do (export targets). */
export const ERR_CAPTURE_UNSUPPORTED = 'SKY_ERR_CAPTURE_UNSUPPORTED';

/** What validation needs from the analyzer. */
export interface CaptureValidation {
  /** Throws (QuerySyntaxError) when the query does not parse. */
  checkGremlin(query: string): void;
  /** `flow.default_layer_key_mode`. */
  defaultLayerKeyMode: 'L2' | 'L3';
}

const bad = (msg: string) => new InvalidArgumentError(ERR_INVALID_CAPTURE, msg);

function str(b: Record<string, unknown>, k: string): string {
  const v = b[k];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw bad(`${k}: must be a string`);
  return v;
}

function int(b: Record<string, unknown>, k: string, min: number, max: number): number {
  const v = b[k];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(`${k}: must be an integer`);
  if (v < min || v > max) throw bad(`${k}: must be between ${min} and ${max}, got ${v}`);
  return v;
}

function bool(b: Record<string, unknown>, k: string): boolean {
  const v = b[k];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw bad(`${k}: must be a boolean`);
  return v;
}

const ADDRESS = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/**
 * The capture to store (UUID still to be assigned, Count 0) from a request body.
 * @throws InvalidArgumentError SKY_ERR_INVALID_CAPTURE, or SKY_ERR_CAPTURE_UNSUPPORTED for an
 * export target; QuerySyntaxError from checkGremlin.
 */
export function validateCapture(body: unknown, v: CaptureValidation): Omit<Capture, 'UUID'> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw bad('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  const gremlin = str(b, 'GremlinQuery').trim();
  if (gremlin === '') throw bad('GremlinQuery: required');
  try {
    v.checkGremlin(gremlin);
  } catch (err) {
    throw bad(`GremlinQuery: invalid query '${gremlin}': ${(err as Error).message}`);
  }
  const bpf = str(b, 'BPFFilter');
  if (bpf !== '') {
    const e = bpfError(bpf);
    if (e !== undefined) throw bad(`BPFFilter: ${e}`);
  }
  const type = str(b, 'Type');
  if (type !== '' && !(CAPTURE_TYPES as readonly string[]).includes(type))
    throw bad(`Type: '${type}' is not one of ${CAPTURE_TYPES.join(', ')}`);
  const layerKeyMode = str(b, 'LayerKeyMode') || v.defaultLayerKeyMode;
  if (layerKeyMode !== 'L2' && layerKeyMode !== 'L3')
    throw bad(`LayerKeyMode: must be L2 or L3, got '${layerKeyMode}'`);
  const headerSize = int(b, 'HeaderSize', 0, 4096);
  if (headerSize !== 0 && headerSize < 14)
    throw bad(`HeaderSize: must be 0 or between 14 and 4096, got ${headerSize}`);
  const capture: Omit<Capture, 'UUID'> = {
    GremlinQuery: gremlin,
    BPFFilter: bpf,
    Name: str(b, 'Name'),
    Description: str(b, 'Description'),
    Type: type,
    Count: 0,
    Port: int(b, 'Port', 0, 65535),
    SamplingRate: int(b, 'SamplingRate', 0, 0xffffffff),
    PollingInterval: int(b, 'PollingInterval', 0, 0xffffffff),
    RawPacketLimit: int(b, 'RawPacketLimit', 0, 10),
    HeaderSize: headerSize,
    ExtraTCPMetric: bool(b, 'ExtraTCPMetric'),
    IPDefrag: bool(b, 'IPDefrag'),
    ReassembleTCP: bool(b, 'ReassembleTCP'),
    LayerKeyMode: layerKeyMode,
    ExtraLayers: int(b, 'ExtraLayers', 0, 255),
    Target: str(b, 'Target'),
    TargetType: str(b, 'TargetType'),
  };
  if (capture.Target !== '' && !ADDRESS.test(capture.Target ?? ''))
    throw bad(`Target: '${capture.Target}' is not a host:port address`);
  const targetType = capture.TargetType ?? '';
  if (!['', 'local', 'netflowv5', 'erspanv1'].includes(targetType))
    throw bad(`TargetType: must be netflowv5, erspanv1 or local, got '${targetType}'`);
  if ((capture.Target !== '' && targetType !== 'local') || targetType === 'netflowv5')
    throw new InvalidArgumentError(
      ERR_CAPTURE_UNSUPPORTED,
      `Target/TargetType: exporting captured traffic (${targetType || 'sFlow/NetFlow'} to ${
        capture.Target || 'a collector'
      }) is not supported; leave Target empty to build flows on the agent`,
    );
  if (targetType === 'erspanv1')
    throw new InvalidArgumentError(
      ERR_CAPTURE_UNSUPPORTED,
      'TargetType: erspanv1 export is not supported; leave Target empty',
    );
  if (type !== '') {
    const caps = captureCapabilities(type);
    if (bpf !== '' && !caps.bpf) throw bad(`${type} capture doesn't support BPF filtering`);
    if (capture.RawPacketLimit !== 0 && !caps.rawPackets)
      throw bad(`${type} capture doesn't support raw packet capture`);
  }
  return capture;
}

/** Skydive's duplicate rule: same query and type, unless the type allows several with other BPF. */
export function sameCapture(a: Omit<Capture, 'UUID'>, b: Omit<Capture, 'UUID'>): boolean {
  if (a.GremlinQuery !== b.GremlinQuery || (a.Type ?? '') !== (b.Type ?? '')) return false;
  const type = b.Type ?? '';
  const multi = type === '' || captureCapabilities(type).multipleOnSameNode;
  return !multi || (a.BPFFilter ?? '') === (b.BPFFilter ?? '');
}
