// One implementation for the benchmarks (built into bff/dist) and the tests.
export { freePort } from '../../bff/src/bench/support/free-port';
