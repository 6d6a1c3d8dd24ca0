"use client";
// The one place the front end reports to telemetry. A no-op for now: RUM, web vitals, browser logs
// and traces will be wired here (issue: browser telemetry), and pages will not change.

import { useEffect } from "react";

import type { ApiError } from "../api/result";

export interface TelemetryContext {
  [name: string]: string | number | boolean | null | undefined;
}

/** Call once per screen: names the screen for page views, vitals and traces. */
export function usePageTelemetry(screen: string): void {
  useEffect(() => {
    recordPageView(screen);
  }, [screen]);
}

export function recordPageView(_screen: string): void {}

export function reportError(_error: ApiError | Error, _context: TelemetryContext = {}): void {}

export function recordEvent(_name: string, _context: TelemetryContext = {}): void {}
