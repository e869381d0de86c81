import { ConfigError, listAccepted } from '../errors.ts';
import type { RandomStream } from '../sim/random.ts';
import type { Simulation } from '../sim/simulation.ts';
import type { TimeNs } from '../sim/types.ts';
import { DEFAULT_NETWORK_OPTIONS, serialisationNs, validateFraming, validateLink, wireBytes } from './config.ts';
import { TrafficStats } from './stats.ts';
import type {
  Channel,
  Delivery,
  DeliveryHandler,
  DropReason,
  FramingConfig,
  HostInfo,
  HostKind,
  JitterModel,
  LinkConfig,
  NetworkOptions,
  PartitionDirection,
} from './types.ts';

/** The state of one directed link: its configuration, its queue and its random stream. */
interface Link {
  config: LinkConfig;
  /** When the link finishes serialising everything queued so far. */
  freeAtNs: TimeNs;
  /** Latest arrival time handed out, so that messages on a link never overtake each other. */
  lastArrivalNs: TimeNs;
  readonly random: RandomStream;
}

interface Partition {
  readonly a: ReadonlySet<string>;
  readonly b: ReadonlySet<string>;
  readonly direction: PartitionDirection;
}

/** One claim of a service address: who took it over, when, and whether the previous owner still ran. */
export interface ServiceClaim {
  readonly service: string;
  readonly host: string;
  readonly timeNs: TimeNs;
  readonly previous: string | undefined;
  /** True when the previous owner was not crashed at the time: two hosts may now answer (split brain). */
  readonly contested: boolean;
}

/** Where a message goes: a host by name, or a service address (routed to the host that claims it). */
export type Destination = string | { readonly service: string };

/** Optional details of a send. */
export interface SendOptions {
  /**
   * The service this message answers for (a reply to a client). If the sender does not own that
   * service address at the time, the reply is counted as coming from a deposed owner.
   */
  readonly asService?: string;
}

const HOST_ADDRESS_BASE = 0x0a00_0000; // 10.0.0.0/16: hosts
const SERVICE_ADDRESS_BASE = 0x0a01_0000; // 10.1.0.0/16: service addresses

/**
 * The simulated network: hosts joined by directed links with latency, jitter, bandwidth (a FIFO
 * queue per link), loss and duplication; partitions; crashed hosts; and service addresses that a
 * host claims as a gratuitous ARP would. Messages cross it as bytes, so the traffic counters are the
 * only source of bandwidth figures.
 */
/** Watches traffic: a message handed to a link, handed to its receiver, or lost (by id). */
export interface TrafficObserver {
  sent?(id: number, from: string, to: string, channel: Channel): void;
  delivered?(delivery: Delivery): void;
  dropped?(id: number): void;
}

export class Network {
  private readonly hosts = new Map<string, HostInfo>();
  private readonly hostsByAddress = new Map<number, HostInfo>();
  /** Handlers by host, then by channel (`'*'`: every other channel), so a delivery builds no key. */
  private readonly handlers = new Map<string, Map<Channel | '*', DeliveryHandler>>();
  private readonly crashed = new Set<string>();
  private readonly halted = new Set<string>();
  private readonly links = new Map<string, Link>();
  private readonly partitions = new Map<number, Partition>();
  private readonly serviceOwners = new Map<string, string>();
  private readonly serviceAddresses = new Map<string, number>();
  private readonly claimLog: ServiceClaim[] = [];
  private nextPartitionId = 1;
  /** Runs a delivery handler as code of the receiving host (the harness's host scope), if set. */
  private dispatchScope: ((host: string, deliver: () => void) => void) | undefined;
  /** Told of every message sent, delivered or dropped (the harness's checkers watch traffic). */
  private readonly observers: TrafficObserver[] = [];
  /** Senders that miss gratuitous ARPs (stale routes), and how long their cached routes live. */
  private staleRouteSenders: ReadonlySet<string> = new Set();
  private staleRouteHoldNs = 0;
  /** Cached routes of those senders: `sender|service` → the host and when the entry expires. */
  private readonly routeCache = new Map<string, { readonly host: string; readonly expiresNs: TimeNs }>();
  /** Messages sent to a service that went to a host other than its owner, over a stale route. */
  private staleRouteSends = 0;
  /** Scripted drops still to come, by `from>to/channel`. */
  private readonly scriptedDrops = new Map<string, number>();
  /** Loss injected by a fault scenario on every link, on top of each link's own loss. */
  private faultLoss = 0;
  private faultDelayNs = 0;
  private nextMessageId = 1;
  private defaultLink: LinkConfig;
  private readonly framing: FramingConfig;
  /** Replies sent for a service by a host that did not own its address at the time. */
  private deposedReplyCount = 0;
  /** Bytes and messages per channel and host pair. */
  readonly stats = new TrafficStats();

  constructor(
    private readonly sim: Simulation,
    options: Partial<NetworkOptions> = {},
  ) {
    this.defaultLink = validateLink('defaultLink', options.defaultLink ?? DEFAULT_NETWORK_OPTIONS.defaultLink);
    this.framing = validateFraming(options.framing ?? DEFAULT_NETWORK_OPTIONS.framing);
  }

  // ----- hosts -------------------------------------------------------------------------------

  /** Adds a host; names are unique. Its address is assigned in order of addition. */
  addHost(name: string, kind: HostKind): HostInfo {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      throw new ConfigError(`host name "${name}" is not valid: expected lower-case letters, digits and dashes, starting with a letter`);
    }
    if (this.hosts.has(name)) throw new ConfigError(`host "${name}" already exists`);
    const info: HostInfo = { name, kind, address: HOST_ADDRESS_BASE + this.hosts.size + 1 };
    this.hosts.set(name, info);
    this.hostsByAddress.set(info.address, info);
    return info;
  }

  /** The host called `name`; an unknown name is an error listing the known hosts. */
  host(name: string): HostInfo {
    const info = this.hosts.get(name);
    if (info === undefined) throw new ConfigError(`unknown host "${name}": expected ${listAccepted([...this.hosts.keys()])}`);
    return info;
  }

  /** Every host, in order of addition. */
  allHosts(): HostInfo[] {
    return [...this.hosts.values()];
  }

  /** What a 32-bit network address names: a host, a service, or nothing. */
  resolveAddress(address: number): { kind: 'host'; name: string } | { kind: 'service'; name: string } | undefined {
    const host = this.hostsByAddress.get(address);
    if (host !== undefined) return { kind: 'host', name: host.name };
    for (const [service, serviceAddress] of this.serviceAddresses) {
      if (serviceAddress === address) return { kind: 'service', name: service };
    }
    return undefined;
  }

  /**
   * Sets the function that receives messages for `host` on `channel`, or on every channel without
   * a handler of its own (`'*'`). One handler per host and channel; a message nobody listens for is
   * delivered (and counted) but goes nowhere, as on a real network.
   */
  listen(host: string, channel: Channel | '*', handler: DeliveryHandler): void {
    this.host(host);
    let handlers = this.handlers.get(host);
    if (handlers === undefined) {
      handlers = new Map();
      this.handlers.set(host, handlers);
    }
    if (handlers.has(channel)) throw new Error(`host ${host} already has a handler for channel ${channel}`);
    handlers.set(channel, handler);
  }

  /** Fail-stop crash: the host sends nothing more and every message to it is dropped, in flight or later. */
  crash(host: string): void {
    this.host(host);
    this.crashed.add(host);
    if (this.sim.trace.on) this.sim.trace.record('host.crash', host);
  }

  /** True once `host` has crashed. */
  isCrashed(host: string): boolean {
    return this.crashed.has(host);
  }

  /**
   * The service process of `host` stopped for good while the machine stays up (a replica that
   * lost the go-live race halts): it answers no more, so a takeover of its service address is not
   * contested. The network still delivers to it (and drops nothing): it is not a crash.
   */
  markHalted(host: string): void {
    this.host(host);
    this.halted.add(host);
    if (this.sim.trace.on) this.sim.trace.record('host.halt', host);
  }

  /** True once `host`'s service process halted (`markHalted`). */
  isHalted(host: string): boolean {
    return this.halted.has(host);
  }

  // ----- links -------------------------------------------------------------------------------

  /** Changes the directed link `from`→`to`; fields not given keep their current value. */
  configureLink(from: string, to: string, changes: Partial<LinkConfig>): void {
    const link = this.link(from, to);
    link.config = validateLink(`link ${from}>${to}`, { ...link.config, ...changes });
  }

  /** Changes both directions between `a` and `b`. */
  configureLinkPair(a: string, b: string, changes: Partial<LinkConfig>): void {
    this.configureLink(a, b, changes);
    this.configureLink(b, a, changes);
  }

  /** Changes every link, existing or future (for example to make all links lossy). */
  configureAllLinks(changes: Partial<LinkConfig>): void {
    this.defaultLink = validateLink('defaultLink', { ...this.defaultLink, ...changes });
    for (const [key, link] of this.links) link.config = validateLink(`link ${key}`, { ...link.config, ...changes });
  }

  /**
   * Loss injected on every link by a fault, on top of each link's own loss probability (a message
   * survives only if it survives both); 0 removes it and leaves the links as they were configured.
   */
  setFaultLoss(probability: number): void {
    if (!(probability >= 0 && probability <= 1)) throw new ConfigError(`fault loss = ${probability} is not valid: expected a probability from 0 to 1`);
    this.faultLoss = probability;
    if (this.sim.trace.on) this.sim.trace.record('net.fault-loss', '-', { probability });
  }

  /**
   * One-way latency a fault adds to every message sent from now on, on top of each link's own (0
   * removes it). Messages already on a link keep their arrival time, and no message overtakes an
   * earlier one on its link.
   */
  setFaultDelay(delayNs: number): void {
    if (!(Number.isSafeInteger(delayNs) && delayNs >= 0)) throw new ConfigError(`fault delay = ${delayNs} ns is not valid: expected an integer >= 0`);
    this.faultDelayNs = delayNs;
    if (this.sim.trace.on) this.sim.trace.record('net.fault-delay', '-', { delayNs });
  }

  /** The latency a fault added to every message (0: none). */
  get injectedDelayNs(): number {
    return this.faultDelayNs;
  }

  /** The loss a fault injected on every link (0: none). */
  get injectedLoss(): number {
    return this.faultLoss;
  }

  /** The current configuration of the link `from`→`to`. */
  linkConfig(from: string, to: string): LinkConfig {
    return this.link(from, to).config;
  }

  private link(from: string, to: string): Link {
    const key = `${from}>${to}`;
    let link = this.links.get(key);
    if (link === undefined) {
      this.host(from);
      this.host(to);
      link = { config: this.defaultLink, freeAtNs: 0, lastArrivalNs: 0, random: this.sim.stream(`net.link.${key}`) };
      this.links.set(key, link);
    }
    return link;
  }

  // ----- partitions --------------------------------------------------------------------------

  /**
   * Cuts the network between two groups of hosts, both ways or only from `a` to `b`. Messages are
   * dropped if the cut exists when they are sent or when they would arrive. Returns an id for `heal`.
   */
  partition(a: readonly string[], b: readonly string[], direction: PartitionDirection = 'both'): number {
    for (const name of [...a, ...b]) this.host(name);
    const overlap = a.filter((name) => b.includes(name));
    if (overlap.length > 0) throw new ConfigError(`partition groups overlap on ${overlap.join(', ')}: a host cannot be on both sides`);
    const id = this.nextPartitionId++;
    this.partitions.set(id, { a: new Set(a), b: new Set(b), direction });
    if (this.sim.trace.on) this.sim.trace.record('net.partition', '-', { id, a: [...a], b: [...b], direction });
    return id;
  }

  /** Removes one partition. */
  heal(id: number): void {
    if (!this.partitions.delete(id)) throw new ConfigError(`no active partition with id ${id}`);
    if (this.sim.trace.on) this.sim.trace.record('net.heal', '-', { id });
  }

  /** Removes every partition. */
  healAll(): void {
    for (const id of [...this.partitions.keys()]) this.heal(id);
  }

  /** True if a message from `from` to `to` would be cut by a partition now. */
  isCut(from: string, to: string): boolean {
    for (const partition of this.partitions.values()) {
      if (partition.a.has(from) && partition.b.has(to)) return true;
      if (partition.direction === 'both' && partition.b.has(from) && partition.a.has(to)) return true;
    }
    return false;
  }

  // ----- service addresses -------------------------------------------------------------------

  /** The 32-bit address of a service, assigned on first use. */
  serviceAddress(service: string): number {
    let address = this.serviceAddresses.get(service);
    if (address === undefined) {
      address = SERVICE_ADDRESS_BASE + this.serviceAddresses.size + 1;
      this.serviceAddresses.set(service, address);
    }
    return address;
  }

  /**
   * Routes `service` to `host` from now on (a gratuitous ARP). If another host still serving (not
   * crashed, not halted) owned it, the claim is contested: two hosts may answer for one service,
   * which the trace records and `contestedClaims` counts.
   */
  claimService(service: string, host: string): ServiceClaim {
    this.host(host);
    this.serviceAddress(service);
    const previous = this.serviceOwners.get(service);
    const contested = previous !== undefined && previous !== host && !this.crashed.has(previous) && !this.halted.has(previous);
    const claim: ServiceClaim = { service, host, timeNs: this.sim.nowNs, previous, contested };
    this.serviceOwners.set(service, host);
    this.claimLog.push(claim);
    if (this.sim.trace.on) this.sim.trace.record('service.claim', host, { service, previous: previous ?? null, contested });
    return claim;
  }

  /**
   * Stale routes (an ARP cache that misses gratuitous ARPs): each of `senders` caches the host its
   * messages to a service go to for `holdNs` after it first resolved it, and keeps sending there
   * even when the address has moved meanwhile — so a deposed primary that does not know it is
   * deposed still receives requests, for a bounded time. `holdNs` 0 turns it off (caches dropped).
   */
  setStaleRoutes(senders: readonly string[], holdNs: TimeNs): void {
    if (!Number.isSafeInteger(holdNs) || holdNs < 0) throw new ConfigError(`stale route hold ${holdNs} ns is not valid: expected an integer >= 0`);
    for (const sender of senders) this.host(sender);
    this.staleRouteSenders = new Set(holdNs === 0 ? [] : senders);
    this.staleRouteHoldNs = holdNs;
    this.routeCache.clear();
  }

  /** Messages sent over a stale route: to a service, but to a host that no longer owned it. */
  get staleRouteMessages(): number {
    return this.staleRouteSends;
  }

  /** Where a message from `from` to `service` goes: the owner, or a stale sender's cached host. */
  private route(from: string, service: string): string | undefined {
    const owner = this.serviceOwners.get(service);
    if (!this.staleRouteSenders.has(from)) return owner;
    const key = `${from}|${service}`;
    const cached = this.routeCache.get(key);
    if (cached !== undefined && this.sim.nowNs < cached.expiresNs) {
      if (cached.host !== owner) {
        this.staleRouteSends++;
        if (this.sim.trace.on) this.sim.trace.record('net.stale-route', from, { service, to: cached.host, owner: owner ?? null });
      }
      return cached.host;
    }
    if (owner !== undefined) this.routeCache.set(key, { host: owner, expiresNs: this.sim.nowNs + this.staleRouteHoldNs });
    return owner;
  }

  /** The host that owns `service` now, if any. */
  serviceOwner(service: string): string | undefined {
    return this.serviceOwners.get(service);
  }

  /** Every claim so far, in order. */
  claims(): readonly ServiceClaim[] {
    return this.claimLog;
  }

  /** Claims made while the previous owner was still running. */
  get contestedClaims(): number {
    return this.claimLog.filter((claim) => claim.contested).length;
  }

  /** Replies sent `asService` by a host that did not own the service address at the time. */
  get deposedReplies(): number {
    return this.deposedReplyCount;
  }

  // ----- sending -----------------------------------------------------------------------------

  /**
   * Sends `bytes` from `from` to a host or a service address on `channel`. The network copies the
   * bytes, so the caller may reuse its buffer. Returns the message id, or undefined if the message
   * was dropped before it reached a link (crashed sender, no route).
   */
  send(from: string, to: Destination, channel: Channel, bytes: Uint8Array, options: SendOptions = {}): number | undefined {
    const service = typeof to === 'string' ? undefined : to.service;
    const receiver = service === undefined ? (to as string) : this.route(from, service);
    const id = this.nextMessageId++;
    const wire = wireBytes(this.framing, bytes.length);
    if (options.asService !== undefined) this.checkServiceReply(from, options.asService);
    if (receiver === undefined) return this.dropAtSender(id, from, `service:${service}`, channel, 'no-route');
    // A crashed host runs no code; a send from one is a timer that outlived its host, not traffic.
    if (this.crashed.has(from)) return this.dropAtSender(id, from, receiver, channel, 'crashed-sender');
    this.stats.countSent(channel, from, receiver, wire, bytes.length);
    for (const observer of this.observers) observer.sent?.(id, from, receiver, channel);
    const link = this.link(from, receiver);
    if (this.isCut(from, receiver)) return this.drop(id, from, receiver, channel, 'partition');
    if (this.takeScriptedDrop(from, receiver, channel)) return this.drop(id, from, receiver, channel, 'scripted');
    const arrivalNs = this.transmit(link, wire);
    if (arrivalNs === undefined) return this.drop(id, from, receiver, channel, 'queue-full');
    if (this.sim.trace.on) this.sim.trace.record('net.send', from, { id, to: receiver, service: service ?? null, channel, bytes: bytes.length, wire });
    const loss = this.faultLoss === 0 ? link.config.lossProbability : 1 - (1 - link.config.lossProbability) * (1 - this.faultLoss);
    if (link.random.probability(loss)) return this.drop(id, from, receiver, channel, 'loss');
    const copy = bytes.slice();
    const sentNs = this.sim.nowNs;
    this.sim.scheduleAt(arrivalNs, () => this.arrive(id, from, receiver, service, channel, copy, wire, sentNs, false));
    if (link.random.probability(link.config.duplicateProbability)) {
      const duplicateNs = Math.max(arrivalNs + this.jitterNs(link.random, link.config.jitter), link.lastArrivalNs);
      link.lastArrivalNs = duplicateNs;
      const second = bytes.slice();
      this.sim.scheduleAt(duplicateNs, () => this.arrive(id, from, receiver, service, channel, second, wire, sentNs, true));
    }
    return id;
  }

  /** Runs every delivery handler through `scope` (with the receiving host), from now on. */
  setDispatchScope(scope: (host: string, deliver: () => void) => void): void {
    this.dispatchScope = scope;
  }

  /** Tells `observer` of every message from now on. */
  observe(observer: TrafficObserver): void {
    this.observers.push(observer);
  }

  /**
   * Drops the next `count` messages sent from `from` to `to` on `channel`, whatever the link's loss:
   * a scripted loss, so that a test can lose exactly the message a mechanism depends on (the new
   * backup's one acknowledgment, say). Drops of one key add up.
   */
  dropNext(from: string, to: string, channel: Channel, count = 1): void {
    if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`dropNext count ${count} must be an integer >= 1`);
    this.host(from);
    this.host(to);
    const key = `${from}>${to}/${channel}`;
    this.scriptedDrops.set(key, (this.scriptedDrops.get(key) ?? 0) + count);
  }

  private takeScriptedDrop(from: string, to: string, channel: Channel): boolean {
    if (this.scriptedDrops.size === 0) return false;
    const key = `${from}>${to}/${channel}`;
    const remaining = this.scriptedDrops.get(key);
    if (remaining === undefined) return false;
    if (remaining <= 1) this.scriptedDrops.delete(key);
    else this.scriptedDrops.set(key, remaining - 1);
    return true;
  }

  /** Queues `wire` bytes on a link; returns the arrival time, or undefined if the queue is full. */
  private transmit(link: Link, wire: number): TimeNs | undefined {
    const nowNs = this.sim.nowNs;
    const { config } = link;
    const backlogBytes = (Math.max(0, link.freeAtNs - nowNs) * config.bandwidthBitsPerSec) / 8e9;
    if (backlogBytes + wire > config.queueLimitBytes) return undefined;
    const startNs = Math.max(nowNs, link.freeAtNs);
    link.freeAtNs = startNs + serialisationNs(wire, config.bandwidthBitsPerSec);
    const propagatedNs = link.freeAtNs + config.latencyNs + this.faultDelayNs + this.jitterNs(link.random, config.jitter);
    link.lastArrivalNs = Math.max(propagatedNs, link.lastArrivalNs);
    return link.lastArrivalNs;
  }

  private jitterNs(random: RandomStream, jitter: JitterModel): number {
    switch (jitter.kind) {
      case 'none':
        return 0;
      case 'uniform':
        return jitter.maxNs === 0 ? 0 : random.int(0, jitter.maxNs);
      case 'exponential':
        return Math.min(jitter.maxNs, Math.round(random.exponential(jitter.meanNs)));
    }
  }

  private arrive(id: number, from: string, to: string, service: string | undefined, channel: Channel, bytes: Uint8Array, wire: number, sentNs: TimeNs, duplicate: boolean): void {
    if (this.crashed.has(to)) return void this.drop(id, from, to, channel, 'crashed-receiver');
    if (this.isCut(from, to)) return void this.drop(id, from, to, channel, 'partition');
    this.stats.countDelivered(channel, from, to, wire);
    if (this.sim.trace.on) this.sim.trace.record('net.deliver', to, { id, from, channel, duplicate });
    const delivery: Delivery = { id, from, to, service, channel, bytes, sentNs, duplicate };
    for (const observer of this.observers) observer.delivered?.(delivery);
    const handlers = this.handlers.get(to);
    const handler = handlers === undefined ? undefined : (handlers.get(channel) ?? handlers.get('*'));
    if (handler === undefined) return;
    if (this.dispatchScope === undefined) return handler(delivery);
    this.dispatchScope(to, () => handler(delivery));
  }

  private checkServiceReply(from: string, service: string): void {
    const owner = this.serviceOwners.get(service);
    if (owner === from) return;
    this.deposedReplyCount++;
    if (this.sim.trace.on) this.sim.trace.record('service.deposed-reply', from, { service, owner: owner ?? null });
  }

  private dropAtSender(id: number, from: string, to: string, channel: Channel, reason: DropReason): undefined {
    this.drop(id, from, to, channel, reason);
    return undefined;
  }

  private drop(id: number, from: string, to: string, channel: Channel, reason: DropReason): number {
    this.stats.countDropped(channel, from, to, reason);
    for (const observer of this.observers) observer.dropped?.(id);
    if (this.sim.trace.on) this.sim.trace.record('net.drop', from, { id, to, channel, reason });
    return id;
  }
}
