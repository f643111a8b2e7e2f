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
  findNetlinkFd,
  forceRecvBuffer,
  releasePort,
  setNoEnobufs,
  socketDrops,
  takePort,
} from './sockopt.js';
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
  /** Receive buffer of the event socket (SO_RCVBUFFORCE, else capped by net.core.rmem_max). */
  eventBufferSize: number;
  /** Timeout of one request, ms. */
  timeoutMs: number;
}

export interface NsSocketHandlers {
  /** Messages of one datagram of the event socket. */
  onEvents(msgs: RawMsg[]): void;
  /** A socket error (overflow is not one: see drops()). */
  onError(err: NodeJS.ErrnoException): void;
}

/** Sockets of one namespace. Construct inside the namespace (NetnsAPI.within). */
export class NsSocket {
  private readonly events: RawNetlinkSocket;
  private readonly req: NetlinkSocket;
  private readonly eventFd: number;
  private readonly port: number;

  /** The event socket, on a port unique in the process (see sockopt.ts). */
  private static bindEvents(recvBufferSize: number): RawNetlinkSocket {
    for (let attempt = 0; ; attempt++) {
      const localPort = takePort();
      try {
        return new RawNetlinkSocket(Protocol.ROUTE, {
          localPort,
          recvBufferSize,
          sendBufferSize: 32 * 1024,
        });
      } catch (err) {
        releasePort(localPort);
        // Taken by another process in this namespace: draw again.
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw err;
      }
    }
  }
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    handlers: NsSocketHandlers,
    private readonly opts: NsSocketOptions,
  ) {
    this.events = NsSocket.bindEvents(opts.eventBufferSize);
    this.port = this.events.address().port;
    try {
      this.eventFd = findNetlinkFd(this.port);
      if (this.eventFd < 0 || !setNoEnobufs(this.eventFd))
        throw new Error('cannot set NETLINK_NO_ENOBUFS on the event socket');
      forceRecvBuffer(this.eventFd, opts.eventBufferSize);
      this.req = createNetlink(Protocol.ROUTE);
    } catch (err) {
      this.events.close();
      releasePort(this.port);
      throw err;
    }
    this.events.unref();
    this.req.unref();
    this.events.on('message', (buf: Buffer) => {
      if (this.closed) return;
      let msgs: RawMsg[];
      try {
        msgs = parseMessages(buf);
      } catch (err) {
        handlers.onError(err as NodeJS.ErrnoException);
        return;
      }
      handlers.onEvents(msgs);
    });
    this.events.on('error', (err) => {
      if (!this.closed) handlers.onError(err);
    });
    this.req.on('error', (err) => {
      if (!this.closed) handlers.onError(err);
    });
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

  /** Events the kernel dropped for want of room since the socket opened (-1: unknown). */
  drops(): number {
    return this.closed ? 0 : socketDrops(this.eventFd);
  }

  /**
   * Closes both sockets. The native close is deferred: closing a socket from inside one of its
   * own callbacks (an ENOBUFS error handler that resyncs) aborts the process in netlink@0.3.0.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.removeAllListeners('message');
    setImmediate(() => {
      this.events.close();
      this.req.close();
      releasePort(this.port);
    });
  }
}
