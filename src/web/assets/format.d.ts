// Types of format.js (a plain ES module the pages load as is), for the read API's TypeScript.
export function formatDay(value: string | number | null | undefined, lang?: string): string;
export function formatMonth(value: string | number | null | undefined, lang?: string): string;
export function formatEuro(cents: number | null | undefined, lang?: string): string;
export function formatDateTime(iso: string | null | undefined, lang?: string): string;
export function formatRange(min: number, max: number): string;
export function formatMonthShort(value: string | number | null | undefined, lang?: string): string;
export function formatEuroShort(cents: number, lang?: string): string;
