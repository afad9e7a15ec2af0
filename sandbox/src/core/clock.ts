/** The sandbox's time in Unix seconds; tests move it forward to expire tokens and tickets. */
export class SandboxClock {
  private offsetSeconds = 0;
  now(): number {
    return Math.floor(Date.now() / 1000) + this.offsetSeconds;
  }
  advance(seconds: number): void {
    this.offsetSeconds += seconds;
  }
}
