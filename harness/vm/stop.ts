/** Engine stop codes (the `Stop` type in types.ts). */
import type { Stop } from './types.ts';

export const STOP_LIMIT: Stop = 0;
export const STOP_OUTPUT: Stop = 1;
export const STOP_WAIT: Stop = 2;
export const STOP_HALT: Stop = 3;
export const STOP_FAULT: Stop = 4;
