// SPDX-License-Identifier: Apache-2.0
// The numbers of a flow in the table: accessors over the FlowIndex rows of its id (the per-packet
// "hot" row and the "cold" row), so that a flow is a small object plus typed-array rows.

import {
  C_BASE,
  C_FINISH,
  C_HASPARENT,
  C_ICMPCODE,
  C_ICMPID,
  C_ICMPTYPE,
  C_IPFRAG,
  C_IPFRAGERR,
  C_L2H,
  C_L2L,
  C_L3H,
  C_L3L,
  C_LABB,
  C_LABP,
  C_LBAB,
  C_LBAP,
  C_LINKID,
  C_LU,
  C_LU_ABB,
  C_LU_ABP,
  C_LU_BAB,
  C_LU_BAP,
  C_LU_LAST,
  C_LU_RTT,
  C_LU_START,
  C_NETID,
  C_PH,
  C_PL,
  C_RAWCAP,
  C_START,
  C_TRANSB,
  C_UH,
  C_UL,
  COLD,
  F_LINK,
  HOT,
  H_ABB,
  H_ABP,
  H_BAB,
  H_BAP,
  H_FLAGS,
  H_LAST,
  H_MACA,
  H_RTT,
  H_TRANSA,
  H_VER,
  NET_SHIFT,
  TRANS_SHIFT,
  type FlowIndex,
} from './flow-index.js';

/** A flow's numbers, read and written in its FlowIndex rows (FlowEntry adds the rest). */
export class FlowRow {
  /**
   * Slot in the FlowIndex (−1 once removed). The per-packet fields live in the index's row for that
   * id (FlowIndex.hot, one 128-byte row) and are reached through the accessors below, so the packet
   * path updates a flow without touching this object.
   */
  id = -1;
  constructor(readonly index: FlowIndex) {}

  protected get(k: number): number {
    return this.index.hot[this.id * HOT + k] as number;
  }
  protected set(k: number, v: number): void {
    this.index.hot[this.id * HOT + k] = v;
  }
  protected cget(k: number): number {
    return this.index.cold[this.id * COLD + k] as number;
  }
  protected cset(k: number, v: number): void {
    this.index.cold[this.id * COLD + k] = v;
  }
  protected flag(bit: number, on: boolean): void {
    const f = this.get(H_FLAGS);
    this.set(H_FLAGS, on ? f | bit : f & ~bit);
  }

  /** Last packet time, ms since `base` (the table's first flow start). */
  get lastRel(): number {
    return this.get(H_LAST);
  }
  set lastRel(v: number) {
    this.set(H_LAST, v);
  }
  get abPackets(): number {
    return this.get(H_ABP);
  }
  get abBytes(): number {
    return this.get(H_ABB);
  }
  get baPackets(): number {
    return this.get(H_BAP);
  }
  get baBytes(): number {
    return this.get(H_BAB);
  }
  get updateVersion(): number {
    return this.get(H_VER);
  }
  set updateVersion(v: number) {
    this.set(H_VER, v);
  }
  get rtt(): number {
    return this.get(H_RTT);
  }
  get hasLink(): boolean {
    return (this.get(H_FLAGS) & F_LINK) !== 0;
  }
  set hasLink(v: boolean) {
    this.flag(F_LINK, v);
  }
  /** Source MAC of the first packet as a 48-bit number, for the A→B test. */
  set macA(v: number) {
    this.set(H_MACA, v);
  }
  get netProto(): number {
    return ((this.get(H_FLAGS) >> NET_SHIFT) & 15) - 1;
  }
  set netProto(v: number) {
    const f = this.get(H_FLAGS) & ~(15 << NET_SHIFT);
    this.set(H_FLAGS, f | ((v + 1) << NET_SHIFT));
  }
  get transProto(): number {
    return ((this.get(H_FLAGS) >> TRANS_SHIFT) & 15) - 1;
  }
  set transProto(v: number) {
    const f = this.get(H_FLAGS) & ~(15 << TRANS_SHIFT);
    this.set(H_FLAGS, f | ((v + 1) << TRANS_SHIFT));
  }
  get transA(): number {
    return this.get(H_TRANSA);
  }
  set transA(v: number) {
    this.set(H_TRANSA, v);
  }
  /** XXH64 digests as unsigned 32-bit halves: TrackingID (L2 key), L3TrackingID, UUID, parent. */
  get l2Hi(): number {
    return this.cget(C_L2H);
  }
  set l2Hi(v: number) {
    this.cset(C_L2H, v);
  }
  get l2Lo(): number {
    return this.cget(C_L2L);
  }
  set l2Lo(v: number) {
    this.cset(C_L2L, v);
  }
  get l3Hi(): number {
    return this.cget(C_L3H);
  }
  set l3Hi(v: number) {
    this.cset(C_L3H, v);
  }
  get l3Lo(): number {
    return this.cget(C_L3L);
  }
  set l3Lo(v: number) {
    this.cset(C_L3L, v);
  }
  get uHi(): number {
    return this.cget(C_UH);
  }
  set uHi(v: number) {
    this.cset(C_UH, v);
  }
  get uLo(): number {
    return this.cget(C_UL);
  }
  set uLo(v: number) {
    this.cset(C_UL, v);
  }
  get pHi(): number {
    return this.cget(C_PH);
  }
  set pHi(v: number) {
    this.cset(C_PH, v);
  }
  get pLo(): number {
    return this.cget(C_PL);
  }
  set pLo(v: number) {
    this.cset(C_PL, v);
  }
  get hasParent(): boolean {
    return this.cget(C_HASPARENT) !== 0;
  }
  set hasParent(v: boolean) {
    this.cset(C_HASPARENT, v ? 1 : 0);
  }

  get linkID(): number {
    return this.cget(C_LINKID);
  }
  set linkID(v: number) {
    this.cset(C_LINKID, v);
  }
  get netID(): number {
    return this.cget(C_NETID);
  }
  set netID(v: number) {
    this.cset(C_NETID, v);
  }
  get transB(): number {
    return this.cget(C_TRANSB);
  }
  set transB(v: number) {
    this.cset(C_TRANSB, v);
  }
  /** Skydive's ICMP flow type (−1: no ICMP layer). */
  get icmpType(): number {
    return this.cget(C_ICMPTYPE);
  }
  set icmpType(v: number) {
    this.cset(C_ICMPTYPE, v);
  }
  get icmpCode(): number {
    return this.cget(C_ICMPCODE);
  }
  set icmpCode(v: number) {
    this.cset(C_ICMPCODE, v);
  }
  get icmpID(): number {
    return this.cget(C_ICMPID);
  }
  set icmpID(v: number) {
    this.cset(C_ICMPID, v);
  }
  /** First packet time, ms since the epoch. */
  get start(): number {
    return this.cget(C_START);
  }
  set start(v: number) {
    this.cset(C_START, v);
  }
  /** The table's base time (lastRel is relative to it). */
  get base(): number {
    return this.cget(C_BASE);
  }
  set base(v: number) {
    this.cset(C_BASE, v);
  }

  /** Metric at the previous update tick (Skydive's lastMetric). */
  get lAbPackets(): number {
    return this.cget(C_LABP);
  }
  set lAbPackets(v: number) {
    this.cset(C_LABP, v);
  }
  get lAbBytes(): number {
    return this.cget(C_LABB);
  }
  set lAbBytes(v: number) {
    this.cset(C_LABB, v);
  }
  get lBaPackets(): number {
    return this.cget(C_LBAP);
  }
  set lBaPackets(v: number) {
    this.cset(C_LBAP, v);
  }
  get lBaBytes(): number {
    return this.cget(C_LBAB);
  }
  set lBaBytes(v: number) {
    this.cset(C_LBAB, v);
  }

  /** True once an update tick gave the flow a LastUpdateMetric. */
  get hasLastUpdate(): boolean {
    return this.cget(C_LU) !== 0;
  }
  /**
   * Sets the LastUpdateMetric (`rtt` 0: none). With `keepRTT` the previous RTT stays (Skydive zeroes
   * the counters of the same metric object in place).
   */
  setLastUpdate(
    abp: number,
    abb: number,
    bap: number,
    bab: number,
    start: number,
    last: number,
    rtt: number,
    keepRTT: boolean,
  ): void {
    const c = this.index.cold;
    const r = this.id * COLD;
    c[r + C_LU] = 1;
    c[r + C_LU_ABP] = abp;
    c[r + C_LU_ABB] = abb;
    c[r + C_LU_BAP] = bap;
    c[r + C_LU_BAB] = bab;
    c[r + C_LU_START] = start;
    c[r + C_LU_LAST] = last;
    if (!keepRTT) c[r + C_LU_RTT] = rtt;
  }

  get finishType(): number {
    return this.cget(C_FINISH);
  }
  set finishType(v: number) {
    this.cset(C_FINISH, v);
  }
  /** IPv4 fragments of the first packet's datagram (−1: no IPMetric). */
  get ipFragments(): number {
    return this.cget(C_IPFRAG);
  }
  set ipFragments(v: number) {
    this.cset(C_IPFRAG, v);
  }
  get ipFragmentErrors(): number {
    return this.cget(C_IPFRAGERR);
  }
  set ipFragmentErrors(v: number) {
    this.cset(C_IPFRAGERR, v);
  }
  get rawCaptured(): number {
    return this.cget(C_RAWCAP);
  }
  set rawCaptured(v: number) {
    this.cset(C_RAWCAP, v);
  }
}
