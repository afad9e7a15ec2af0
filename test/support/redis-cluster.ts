// The cluster the tests and the benchmarks start: one implementation, in the bench support (built into bff/dist).
export { redisCluster, type ClusterNode } from '../../bff/src/bench/support/redis-cluster';
