/** The adapter's name, as Prisma's logs and errors show it. */
export const ADAPTER_NAME = 'sqlite-strand';
