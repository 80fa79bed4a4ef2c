// The tests' PostgreSQL: the throwaway cluster (or PACHAIN_TEST_DATABASE_URL) lives in
// src/node/throwaway-postgres.ts, where the benchmarks under scripts/ reach it too (scripts never
// import test/).
export * from "../../src/node/throwaway-postgres.ts";
