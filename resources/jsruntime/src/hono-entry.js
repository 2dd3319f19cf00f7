// The Hono class, on the global object: the host glue hands it to backends as ctx.Hono (no import needed).
// private-slots.js first: Hono's classes create their private-member slots when they are defined.
import './private-slots.js';
import { Hono } from 'hono';

globalThis.Hono = Hono;
