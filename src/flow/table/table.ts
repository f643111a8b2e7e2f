// SPDX-License-Identifier: Apache-2.0
// The flow table (Skydive's flow/table.go, pure): PacketBatch in, flows keyed and identified exactly
// as flow-ids.md says; the caller drives time with update()/expire() (packet time offline, a clock
// live). No timers, no I/O; everything dropped or damaged is counted.

import {
  DECODE_ERROR_NAMES,
  FragmentState,
  Layer,
  LAYER_PATH_ROLE,
  PathRole,
  createDecodedFrame,
  layersPath,
} from '../decode/layers.js';
import type { DecodedFrame } from '../decode/layers.js';
import { LinkType, type PacketBatch } from '../packet.js';
import type { Flow, Stats } from '../../protocol/flow.js';
import { emptyTCPMetric } from '../../protocol/flow.js';
import { FrameDecoder } from '../decode/decode.js';
import { FlowEntry, Proto } from './entry.js';
import { parseDHCPv4, parseDNS, parseVRRPv2 } from './extra-layers.js';
import {
  ADDR_DST_IP,
  ADDR_SRC_IP,
  ADDR_STRIDE,
  FlowIndex,
  HOT,
  H_VER,
  hashKey,
  keyHash,
} from './flow-index.js';
import {
  DEFAULT_APPLICATION_TIMEOUTS,
  DEFAULT_MAX_ENTRIES,
  HOLD_TIMEOUT_MS,
  newCounters,
  portMap,
  type FlowTableCounters,
  type FlowTableOptions,
} from './options.js';
import { fastKeyHash } from './fast-key.js';
import { reassemble, updateFlow } from './packet-update.js';
import {
  KeyScratch,
  SubPacket,
  buildKey,
  greKey,
  icmpv4FlowType,
  icmpv6FlowType,
  tunnelVNI,
} from './subpacket.js';
import { XXH64 } from './xxhash64.js';

const EXTRA_VRRP = 1;
const EXTRA_DNS = 2;
const EXTRA_DHCP = 4;
const TWO32 = 4294967296;

/** A LayersPath and its last name (the default Application). */
interface PathNames {
  readonly path: string;
  readonly app: string;
}

/** Skydive's flow table over decoded frames. */
export class FlowTable {
  readonly counters: FlowTableCounters = newCounters();
  private readonly index = new FlowIndex();
  private readonly frame: DecodedFrame = createDecodedFrame(64);
  private readonly decoder: FrameDecoder;
  private readonly sp = new SubPacket();
  private readonly ks = new KeyScratch();
  private readonly hasher = new XXH64();
  private readonly uuidHasher = new XXH64();
  private readonly l3Mode: boolean;
  private readonly nodeTID: string;
  private readonly captureID: string;
  private readonly extraTCP: boolean;
  private readonly ipDefrag: boolean;
  private readonly reassembleTCP: boolean;
  private readonly extraLayers: number;
  private readonly rawLimit: number;
  private readonly maxEntries: number;
  private readonly appTimeouts: Map<string, number>;
  private readonly tcpApps: Map<number, string>;
  private readonly udpApps: Map<number, string>;
  private readonly keepRemoved: boolean;
  private removed: Flow[] = [];
  /** LayersPath strings by layer sequence (see pathNames). */
  private readonly paths = new Map<number, PathNames>();
  private updateVersion = 0;
  private lastUpdate = 0;
  private lastExpire = 0;
  private flowDropped = 0;
  /** ms of the first flow's start: FlowEntry.lastRel is relative to it. */
  private base = -1;

  constructor(opts: FlowTableOptions = {}) {
    this.l3Mode = opts.layerKeyMode === 'L3';
    this.nodeTID = opts.nodeTID ?? '';
    this.captureID = opts.captureID ?? '';
    this.extraTCP = opts.extraTCPMetric ?? false;
    this.ipDefrag = opts.ipDefrag ?? false;
    this.reassembleTCP = opts.reassembleTCP ?? false;
    this.extraLayers = opts.extraLayers ?? 0;
    this.rawLimit = Math.max(0, opts.rawPacketLimit ?? 0);
    this.maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.appTimeouts = new Map();
    for (const [k, v] of Object.entries(opts.applicationTimeouts ?? DEFAULT_APPLICATION_TIMEOUTS))
      if (v > 0) this.appTimeouts.set(k.toUpperCase(), v * 1000);
    this.tcpApps = portMap(opts.applicationPorts?.tcp);
    this.udpApps = portMap(opts.applicationPorts?.udp);
    this.keepRemoved = opts.keepRemoved ?? false;
    this.decoder = new FrameDecoder({
      extraLayers: this.extraLayers,
      ipDefrag: this.ipDefrag,
      ...(opts.mplsUdpPorts ? { mplsUdpPorts: opts.mplsUdpPorts } : {}),
    });
  }

  /** Flows in the table. */
  get size(): number {
    return this.index.size;
  }

  /** Processes packets [from, to) of a batch (default: all). */
  feed(batch: PacketBatch, from = 0, to = batch.count): void {
    const f = this.frame;
    const c = this.counters;
    const simple = batch.linkType === LinkType.ETHERNET;
    for (let i = from; i < to; i++) {
      const start = batch.offsets[i] as number;
      const capLen = batch.capLens[i] as number;
      const ts = batch.timestamps[i] as number;
      c.packets++;
      c.bytes += capLen;
      if (simple && this.decoder.decodeSimpleAt(batch.buffer, start, start + capLen, f)) {
        // Ethernet/IPv4/transport, decoded cleanly: one level, its layers known
        const wireLen = batch.wireLens[i] as number;
        this.sp.locateSimple(f);
        this.located(f, 0, wireLen > 0 ? wireLen : (f.lengths[0] as number), -1, ts, true);
        continue;
      }
      this.decoder.decodeAt(batch.linkType, batch.buffer, start, start + capLen, f, ts);
      if (f.error !== 0) {
        const name = DECODE_ERROR_NAMES[f.error] ?? String(f.error);
        c.decodeErrors[name] = (c.decodeErrors[name] ?? 0) + 1;
      }
      if (f.truncated) c.truncated++;
      if (f.fragment === FragmentState.Held) {
        c.fragmentsHeld++;
        continue;
      }
      if (f.fragment === FragmentState.Refused) {
        c.fragmentsRefused++;
        continue;
      }
      this.frameToFlows(f, ts, batch.wireLens[i] as number);
    }
  }

  private frameToFlows(f: DecodedFrame, ts: number, wireLen: number): void {
    const types = f.types;
    const count = f.count;
    let hasLinkOrNet = false;
    for (let k = 0; k < count; k++) {
      const t = types[k];
      if (
        t === Layer.Ethernet ||
        t === Layer.IPv4 ||
        t === Layer.IPv6 ||
        t === Layer.LinuxSLL ||
        t === Layer.Loopback
      ) {
        hasLinkOrNet = true;
        break;
      }
    }
    if (!hasLinkOrNet) {
      this.counters.noFlow++;
      return;
    }
    let outer = 0;
    const t0 = types[0];
    if (t0 === Layer.Ethernet) outer = wireLen > 0 ? wireLen : (f.lengths[0] as number);
    else if (t0 === Layer.IPv4)
      outer =
        ((f.buffer[(f.offsets[0] as number) + 2] as number) << 8) |
        (f.buffer[(f.offsets[0] as number) + 3] as number);
    else if (t0 === Layer.IPv6)
      outer =
        ((f.buffer[(f.offsets[0] as number) + 4] as number) << 8) |
        (f.buffer[(f.offsets[0] as number) + 5] as number);
    let parent = -1;
    let from = 0;
    let length = outer;
    let levelLength = outer;
    for (let k = 0; k < count; k++) {
      const t = types[k] as number;
      if (LAYER_PATH_ROLE[t] !== PathRole.Invisible) length -= f.headerLengths[k] as number;
      const cut =
        t === Layer.VXLAN ||
        t === Layer.MPLS ||
        t === Layer.Geneve ||
        (t === Layer.GRE && !(k < count - 2 && types[k + 1] === Layer.MPLS));
      if (!cut) continue;
      parent = this.level(f, from, k + 1, levelLength, parent, ts, false);
      from = k + 1;
      levelLength = length;
    }
    this.level(f, from, count, levelLength, parent, ts, true);
  }

  /** Makes or updates the flow of layers [from, to); returns its id (or `parent` when none). */
  private level(
    f: DecodedFrame,
    from: number,
    to: number,
    length: number,
    parent: number,
    ts: number,
    last: boolean,
  ): number {
    this.sp.locate(f, from, to, from === 0);
    return this.located(f, from, length, parent, ts, last);
  }

  /** level() once `this.sp` holds the level's layers. */
  private located(
    f: DecodedFrame,
    from: number,
    length: number,
    parent: number,
    ts: number,
    last: boolean,
  ): number {
    const sp = this.sp;
    const ks = this.ks;
    const ix = this.index;
    sp.length = length;
    const fast = parent < 0 && fastKeyHash(f, sp, !this.l3Mode);
    if (!fast) {
      if (!buildKey(f, sp, !this.l3Mode, parent >= 0 ? ix.entry(parent) : null, ks)) {
        this.counters.emptyLevels++;
        return parent;
      }
      hashKey(ks.bytes, ks.len);
    }
    let id = ix.find(keyHash[0] as number, keyHash[1] as number);
    if (id < 0) {
      // a new flow: its digests need the key bytes
      if (fast) buildKey(f, sp, !this.l3Mode, null, ks);
      id = this.create(f, keyHash[0] as number, keyHash[1] as number, parent, ts, last).id;
    } else {
      ix.touch(id);
      if (this.reassembleTCP) reassemble(ix.entry(id), f, sp, ix.addr);
      updateFlow(ix, id, f, sp, this.l3Mode, ts, this.base);
      if (this.extraLayers & EXTRA_DNS) this.extra(ix.entry(id), f, ts, EXTRA_DNS);
    }
    ix.hot[id * HOT + H_VER] = this.updateVersion + 1;
    if (this.rawLimit > 0) this.keepRaw(ix.entry(id), f, from, ts);
    return id;
  }

  private keepRaw(e: FlowEntry, f: DecodedFrame, from: number, ts: number): void {
    if (e.rawCaptured >= this.rawLimit) return;
    e.rawCaptured++;
    let end = 0;
    for (let k = 0; k < f.count; k++)
      end = Math.max(end, (f.offsets[k] as number) + (f.lengths[k] as number));
    const start = from < f.count ? (f.offsets[from] as number) : end;
    (e.rawPackets ??= []).push({
      Timestamp: Math.floor(ts / 1000),
      Index: e.rawCaptured,
      Data: f.buffer.slice(start, end),
      LinkType: e.hasLink
        ? 1
        : e.netProto === Proto.IPV4
          ? 228
          : e.netProto === Proto.IPV6
            ? 229
            : 0,
    });
  }

  private create(
    f: DecodedFrame,
    hashHi: number,
    hashLo: number,
    parent: number,
    ts: number,
    last: boolean,
  ): FlowEntry {
    const sp = this.sp;
    const ks = this.ks;
    const c = this.counters;
    if (this.index.size >= this.maxEntries && this.index.oldest) {
      this.removeEntry(this.index.oldest);
      c.flowsEvicted++;
      this.flowDropped++;
    }
    const e = new FlowEntry(this.index);
    this.index.insert(e, hashHi, hashLo);
    const h = this.hasher.reset();
    h.update(ks.bytes, 0, ks.l3Len).digest();
    e.l3Hi = h.hi;
    e.l3Lo = h.lo;
    if (ks.l2Len > ks.l3Len) h.update(ks.bytes, ks.l3Len, ks.l2Len - ks.l3Len).digest();
    e.l2Hi = h.hi;
    e.l2Lo = h.lo;
    // the key's digest: the L2 one again unless a parent UUID follows
    if (ks.len > ks.l2Len) h.update(ks.bytes, ks.l2Len, ks.len - ks.l2Len).digest();
    const start = Math.floor(ts / 1000);
    const u = this.uuidHasher
      .reset(h.hi, h.lo)
      .u64be(Math.floor(start / TWO32), start >>> 0)
      .ascii(this.nodeTID)
      .digest();
    e.uHi = u.hi;
    e.uLo = u.lo;
    if (parent >= 0) {
      const p = this.index.entry(parent);
      e.hasParent = true;
      e.pHi = p.uHi;
      e.pLo = p.uLo;
    }
    e.nodeTID = this.nodeTID;
    e.captureID = this.captureID;
    if (this.base < 0) this.base = start;
    e.start = start;
    e.base = this.base;
    e.lastRel = start - this.base;
    const addr = this.index.addr;
    this.describe(e, f, last, addr);
    c.flowsCreated++;
    if (this.reassembleTCP) reassemble(e, f, sp, addr);
    updateFlow(this.index, e.id, f, sp, this.l3Mode, ts, this.base);
    if (this.extraLayers) {
      if (this.extraLayers & EXTRA_DHCP) this.extra(e, f, ts, EXTRA_DHCP);
      if (this.extraLayers & EXTRA_DNS) this.extra(e, f, ts, EXTRA_DNS);
      if (this.extraLayers & EXTRA_VRRP) this.extra(e, f, ts, EXTRA_VRRP);
    }
    return e;
  }

  /** Fills the descriptive fields of a new flow from its first packet. */
  private describe(e: FlowEntry, f: DecodedFrame, last: boolean, addr: Uint8Array): void {
    const sp = this.sp;
    const b = f.buffer;
    if (sp.eth >= 0) {
      const o = f.offsets[sp.eth] as number;
      e.hasLink = true;
      const a = e.id * ADDR_STRIDE;
      for (let i = 0; i < 6; i++) {
        addr[a + i] = b[o + 6 + i] as number;
        addr[a + 6 + i] = b[o + i] as number;
      }
      e.macA =
        (((b[o + 6] as number) << 8) | (b[o + 7] as number)) * 4294967296 +
        ((((b[o + 8] as number) << 24) |
          ((b[o + 9] as number) << 16) |
          ((b[o + 10] as number) << 8) |
          (b[o + 11] as number)) >>>
          0);
      let id = 0;
      for (let k = sp.to - 1; k >= sp.from; k--)
        if (f.types[k] === Layer.Dot1Q)
          id =
            id * 4096 +
            ((((b[f.offsets[k] as number] as number) << 8) |
              (b[(f.offsets[k] as number) + 1] as number)) &
              0xfff);
      e.linkID = id;
    }
    const names = this.pathNames(f, sp.from, sp.to);
    e.layersPath = names.path;
    e.application = names.app;
    if (sp.net >= 0) {
      const o = f.offsets[sp.net] as number;
      const is4 = f.types[sp.net] === Layer.IPv4;
      e.netProto = is4 ? Proto.IPV4 : Proto.IPV6;
      const n = is4 ? 4 : 16;
      const src = o + (is4 ? 12 : 8);
      const a = e.id * ADDR_STRIDE;
      for (let i = 0; i < n; i++) {
        addr[a + ADDR_SRC_IP + i] = b[src + i] as number;
        addr[a + ADDR_DST_IP + i] = b[src + n + i] as number;
      }
      let id = 0;
      for (let k = sp.to - 1; k >= sp.from; k--) {
        const t = f.types[k];
        if (t === Layer.VXLAN || t === Layer.Geneve) {
          id = tunnelVNI(f, k);
          break;
        }
        if (t === Layer.GRE) {
          id = greKey(f, k);
          break;
        }
      }
      e.netID = id;
      if (is4) {
        if (this.ipDefrag && last && firstIPv4(f) >= 0) {
          e.ipFragments = f.ipFragments;
          e.ipFragmentErrors = f.ipFragmentErrors;
        }
        if (sp.icmp4 >= 0) {
          const io = f.offsets[sp.icmp4] as number;
          e.icmpType = icmpv4FlowType(b[io] as number);
          e.icmpCode = b[io + 1] as number;
          e.icmpID = ((b[io + 4] as number) << 8) | (b[io + 5] as number);
        }
      } else if (sp.icmp6 >= 0) {
        const io = f.offsets[sp.icmp6] as number;
        e.icmpType = icmpv6FlowType(b[io] as number);
        e.icmpCode = b[io + 1] as number;
        if (e.icmpType === 2 && sp.icmp6echo >= 0) {
          const eo = f.offsets[sp.icmp6echo] as number;
          e.icmpID = ((b[eo] as number) << 8) | (b[eo + 1] as number);
        }
      }
      this.describeTransport(e, f);
    }
  }

  /**
   * LayersPath and its last name for layers [from, to), shared by every flow of the same layer
   * sequence (one string per sequence rather than per flow).
   */
  private pathNames(f: DecodedFrame, from: number, to: number): PathNames {
    let key = -1;
    if (to - from <= 6) {
      key = to - from;
      for (let k = from; k < to; k++) key = key * 256 + (f.types[k] as number);
      const known = this.paths.get(key);
      if (known !== undefined) return known;
    }
    const path = layersPath(f, from, to);
    const slash = path.lastIndexOf('/');
    const names: PathNames = { path, app: slash >= 0 ? path.slice(slash + 1) : path };
    if (key >= 0 && this.paths.size < 4096) this.paths.set(key, names);
    return names;
  }

  private describeTransport(e: FlowEntry, f: DecodedFrame): void {
    const sp = this.sp;
    const b = f.buffer;
    const t = sp.tcp >= 0 ? sp.tcp : sp.udp >= 0 ? sp.udp : sp.sctp;
    if (t < 0) return;
    const o = f.offsets[t] as number;
    const src = ((b[o] as number) << 8) | (b[o + 1] as number);
    const dst = ((b[o + 2] as number) << 8) | (b[o + 3] as number);
    e.transA = src;
    e.transB = dst;
    if (t === sp.tcp) {
      e.transProto = Proto.TCP;
      const app = this.tcpApps.get(src) ?? this.tcpApps.get(dst);
      if (app !== undefined) e.application = app;
      if (this.extraTCP) e.tcpMetric = emptyTCPMetric();
      const flags = b[o + 13] as number;
      if (flags & 0x01) e.finishType = 2;
      else if (flags & 0x04) e.finishType = 3;
    } else if (t === sp.udp) {
      e.transProto = Proto.UDP;
      const app = this.udpApps.get(src) ?? this.udpApps.get(dst);
      if (app !== undefined) e.application = app;
    } else e.transProto = Proto.SCTP;
  }

  private extra(e: FlowEntry, f: DecodedFrame, ts: number, which: number): void {
    const sp = this.sp;
    const type =
      which === EXTRA_DNS ? Layer.DNS : which === EXTRA_DHCP ? Layer.DHCPv4 : Layer.VRRPv2;
    let k = -1;
    for (let i = sp.from; i < sp.to; i++)
      if (f.types[i] === type) {
        k = i;
        break;
      }
    if (k < 0) return;
    const o = f.offsets[k] as number;
    const len = f.lengths[k] as number;
    if (which === EXTRA_DNS) {
      const d = parseDNS(f.buffer, o, len, ts);
      if (d) e.dns = d;
    } else if (which === EXTRA_DHCP) {
      const d = parseDHCPv4(f.buffer, o, len);
      if (d) e.dhcpv4 = d;
    } else {
      const d = parseVRRPv2(f.buffer, o, len);
      if (d) e.vrrpv2 = d;
    }
  }

  private removeEntry(e: FlowEntry): void {
    if (this.keepRemoved) this.removed.push(e.toFlow(false, this.index.addr, true));
    this.index.remove(e);
  }

  private updateMetric(e: FlowEntry, start: number, last: number): void {
    if (!e.hasLastUpdate) start = e.start;
    e.setLastUpdate(
      e.abPackets - e.lAbPackets,
      e.abBytes - e.lAbBytes,
      e.baPackets - e.lBaPackets,
      e.baBytes - e.lBaBytes,
      start,
      last,
      e.rtt,
      false,
    );
  }

  /**
   * An update tick at `now` (ms; Skydive's updateAt): flows touched since the previous tick get
   * LastUpdateMetric deltas and are returned for sending; idle flows of an application with a timeout
   * are finished (TIMEOUT), returned and removed; finished flows idle for 15 s are removed.
   * `collect: false` does the same bookkeeping without building the flows to send (offline runs).
   */
  update(now: number, collect = true): Flow[] {
    const from = this.lastUpdate;
    const out: Flow[] = [];
    for (const e of this.index.list()) {
      let send = false;
      let gone = false;
      const appTimeout = this.appTimeouts.get(e.application) ?? 0;
      if (e.updateVersion > this.updateVersion) {
        this.updateMetric(e, from, now);
        send = true;
      } else if (appTimeout > 0 && now - e.last > appTimeout) {
        send = true;
        e.finishType = 1;
        gone = true;
        this.counters.flowsAppTimeout++;
      } else e.setLastUpdate(0, 0, 0, 0, from, now, 0, e.hasLastUpdate);
      e.lAbPackets = e.abPackets;
      e.lAbBytes = e.abBytes;
      e.lBaPackets = e.baPackets;
      e.lBaBytes = e.baBytes;
      if (!gone && e.finishType !== 0 && now - e.last >= HOLD_TIMEOUT_MS) {
        gone = true;
        this.counters.flowsFinished++;
      }
      if (send) {
        if (collect) out.push(e.toFlow(true, this.index.addr));
        if (e.rawPackets) e.rawPackets.length = 0;
      }
      if (gone) this.removeEntry(e);
    }
    this.lastUpdate = now;
    this.updateVersion++;
    return out;
  }

  /**
   * An expire tick at `now` (ms; Skydive's expireAt): flows idle since before the previous expire
   * tick are removed; those not finished yet get FinishType TIMEOUT and are returned for sending.
   */
  expire(now: number): Flow[] {
    const out = this.expireBefore(this.lastExpire);
    this.lastExpire = now;
    return out;
  }

  /** Ends every flow (Skydive's expireNow at stop): returns those not finished before. */
  flush(): Flow[] {
    for (const e of this.index.list()) e.tcpStreams?.forEach((s) => s?.flush());
    return this.expireBefore(Number.MAX_SAFE_INTEGER);
  }

  private expireBefore(before: number): Flow[] {
    const out: Flow[] = [];
    for (const e of this.index.list()) {
      if (e.last >= before) continue;
      if (e.updateVersion > this.updateVersion) this.updateMetric(e, this.lastUpdate, e.last);
      if (e.finishType === 0) {
        e.finishType = 1;
        out.push(e.toFlow(true, this.index.addr));
      }
      this.counters.flowsExpired++;
      this.removeEntry(e);
    }
    return out;
  }

  /** Every flow in the table (least recently used first), as wire flows. */
  flows(withRaw = false): Flow[] {
    const out: Flow[] = [];
    for (const e of this.index.list()) out.push(e.toFlow(withRaw, this.index.addr));
    return out;
  }

  /**
   * Like flows(), in about the order the flows were created (cheap to sort by Start). `last`: the
   * table is done (an offline run's listing), nothing keeps the flows' texts for later sends.
   */
  flowsByCreation(withRaw = false, last = false): Flow[] {
    const list = this.index.listById();
    const out: Flow[] = new Array<Flow>(list.length);
    for (let i = 0; i < list.length; i++) out[i] = list[i]!.toFlow(withRaw, this.index.addr, last);
    return out;
  }

  /** Flows removed by timers or eviction since the last call (only with keepRemoved). */
  takeRemoved(): Flow[] {
    const r = this.removed;
    this.removed = [];
    return r;
  }

  /**
   * Skydive's periodic Stats message: flow count and flows dropped since the previous call, plus the
   * source's packet counters when given. Resets the dropped count, as Skydive does every 10 s.
   */
  takeStats(source: { received?: number; dropped?: number; kernelDropped?: number } = {}): Stats {
    const s: Stats = {
      FlowCount: this.index.size,
      FlowDropped: this.flowDropped,
      KernelFlowDropped: source.kernelDropped ?? 0,
      PacketsDropped: source.dropped ?? 0,
      PacketsReceived: source.received ?? 0,
    };
    if (this.captureID) s.CaptureID = this.captureID;
    this.flowDropped = 0;
    return s;
  }
}

function firstIPv4(f: DecodedFrame): number {
  for (let k = 0; k < f.count; k++) if (f.types[k] === Layer.IPv4) return k;
  return -1;
}
