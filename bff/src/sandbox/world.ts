import { MiniProgramLogins } from './areas/auth/logins';
import { ScanState } from './areas/scan/state';
import { CallCounter } from './core/calls';
import { SandboxClock } from './core/clock';
import { FaultInjector } from './core/faults';
import { EventOutbox } from './core/outbox';
import { TokenRegistry } from './core/tokens';
import type { SandboxConfig } from './config';

/**
 * Everything the emulated WeChat knows. In memory: the sandbox is one process standing in for
 * WeChat, and a restart is a fresh WeChat account.
 */
export class SandboxWorld {
  readonly clock = new SandboxClock();
  readonly calls = new CallCounter();
  readonly faults = new FaultInjector();
  /** Event pushes waiting for (or handed to) the callback pusher. */
  readonly outbox = new EventOutbox();
  readonly tokens: TokenRegistry;
  readonly logins = new MiniProgramLogins();
  readonly scan: ScanState;

  constructor(readonly config: SandboxConfig) {
    this.tokens = new TokenRegistry(this.clock, config.tokenTtlSeconds);
    this.scan = new ScanState(this.clock, () => this.config.ticketTtlSeconds);
  }
}
