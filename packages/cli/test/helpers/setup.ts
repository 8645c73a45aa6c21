import { afterAll } from 'vitest';
import { removeTempDirs } from './tmp.js';

afterAll(removeTempDirs);
