// SPDX-License-Identifier: Apache-2.0
// The two rtnetlink sockets of one namespace: one joined to the multicast groups (events), one
// for requests (dumps, RTM_GETNSID, RTM_GETSTATS), one request at a time. Both are created while
// the thread is inside the namespace, so they stay bound to it.
import {
  Protocol,
  RawNetlinkSocket,
  createNetlink,
  parseMessages,
  type NetlinkSocket,
} from 'netlink';
import { NLM_F, RTNLGRP, RTM } from './constants.js';
import {
  dumpHeader,
  getLinkRequest,
  getNsidRequest,
  parseNsidReply,
  type RawMsg,
} from './messages.js';

const GROUPS = [
  RTNLGRP.LINK,
  RTNLGRP.NEIGH,
  RTNLGRP.IPV4_IFADDR,
  RTNLGRP.IPV4_ROUTE,
  RTNLGRP.IPV6_IFADDR,
  RTNLGRP.IPV6_ROUTE,
  RTNLGRP.NSID,
];

/** A dump the kernel interrupted because the table changed meanwhile (NLM_F_DUMP_INTR). */
export class DumpInterrupted extends Error {}

export interface NsSocketOptions {
  /** SO_RCVBUF of the event socket (capped by net.core.rmem_max). */
  eventBufferSize: number;
  /** Timeout of one request, ms. */
  timeoutMs: number;
}

export interface NsSocketHandlers {
  /** Messages of one datagram of the event socket. */
  onEvents(msgs: RawMsg[]): void;
  /** A receive error: ENOBUFS means events were lost. */
  onError(err: NodeJS.ErrnoException): void;
}

/** Sockets of one namespace. Construct inside the namespace (NetnsAPI.within). */
export class NsSocket {
  private readonly events: RawNetlinkSocket;
  private readonly req: NetlinkSocket;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    handlers: NsSocketHandlers,
    private readonly opts: NsSocketOptions,
  ) {
    this.events = new RawNetlinkSocket(Protocol.ROUTE, {
      recvBufferSize: opts.eventBufferSize,
      sendBufferSize: 32 * 1024,
    });
    try {
      this.req = createNetlink(Protocol.ROUTE);
    } catch (err) {
      this.events.close();
      throw err;
    }
    this.events.unref();
    this.req.unref();
    this.events.on('message', (buf: Buffer) => {
      let msgs: RawMsg[];
      try {
        msgs = parseMessages(buf);
      } catch (err) {
        handlers.onError(err as NodeJS.ErrnoException);
        return;
      }
      handlers.onEvents(msgs);
    });
    this.events.on('error', (err) => handlers.onError(err));
    this.req.on('error', (err) => handlers.onError(err));
    for (const g of GROUPS) this.events.addMembership(g);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async request(type: number, data: Buffer, flags: number): Promise<RawMsg[]> {
    if (this.closed) throw new Error('netlink socket closed');
    const [msgs] = await this.req.request(type, data, { flags, timeout: this.opts.timeoutMs });
    return msgs;
  }

  /** A whole table (links, addresses, routes, neighbours, stats), in one consistent read. */
  dump(type: number, family?: number): Promise<RawMsg[]> {
    return this.serial(async () => {
      const msgs = await this.request(type, dumpHeader(type, family), NLM_F.DUMP);
      if (msgs.some((m) => (m.flags & NLM_F.DUMP_INTR) !== 0)) throw new DumpInterrupted();
      return msgs;
    });
  }

  /** One link by index; [] when it no longer exists. */
  getLink(index: number): Promise<RawMsg[]> {
    return this.serial(() =>
      this.request(RTM.GETLINK, getLinkRequest(index), 0).catch((err: Error) => {
        if (/ENODEV/.test(err.message)) return [];
        throw err;
      }),
    );
  }

  /** The id this namespace gives to the namespace open on `fd`, if any. */
  getNsid(fd: number): Promise<number | undefined> {
    return this.serial(async () => {
      const msgs = await this.request(RTM.GETNSID, getNsidRequest(fd), 0);
      const reply = msgs.find((m) => m.type === RTM.NEWNSID);
      return reply ? parseNsidReply(reply.data) : undefined;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.close();
    this.req.close();
  }
}
