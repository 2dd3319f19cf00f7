// The Hono class, on the global object: the host glue hands it to backends as ctx.Hono (no import needed).
import { Hono } from 'hono';

globalThis.Hono = Hono;
