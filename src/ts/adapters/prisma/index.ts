// sqlite-strand/prisma: a Prisma ORM driver adapter (Prisma 7's SqlDriverAdapterFactory) running
// Prisma Client's queries on an AsyncDatabase. docs/ORMS.md, "Prisma".
export { PrismaSqliteStrand, type PrismaSqliteStrandConfig, type PrismaSqliteStrandOptions } from './factory';
export type { TimestampFormat } from './conversion';
