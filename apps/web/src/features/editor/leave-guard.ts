import { useEffect } from 'react';
import type { AroundNavHandler } from 'wouter';

/** A view holding work that leaving it would lose: an editor with unsaved text. */
export interface LeaveGuard {
  /** This address keeps the view (and its work) on screen: no need to ask. */
  keeps: (to: URL) => boolean;
  /** Asks the person first; `leave` carries on with the navigation. */
  ask: (leave: () => void) => void;
}

let active: LeaveGuard | null = null;
/** The address on screen, where Back/Forward is undone to while the person is asked. */
let shown = typeof location === 'undefined' ? '' : location.href;
/** A Back/Forward the person confirmed, replayed: let it through once. */
let replaying = false;

/**
 * Wraps every in-app navigation (links, tabs, tree clicks, redirects: all go through wouter's
 * navigate): with a guard up, one that would take its view away waits for the person's answer.
 */
export const guardNavigation: AroundNavHandler = (navigate, to, options) => {
  const guard = active;
  if (!guard || guard.keeps(new URL(to, location.href))) {
    navigate(to, options);
    return;
  }
  guard.ask(() => navigate(to, options));
};

/**
 * Back and Forward have already moved the address when the page hears of them: with a guard up,
 * the router is kept from following (this capture listener runs before its own), the address is
 * put back, and the move is replayed only if the person chooses to leave.
 */
function onPopState(event: PopStateEvent): void {
  const guard = active;
  if (replaying || !guard || guard.keeps(new URL(location.href))) {
    replaying = false;
    shown = location.href;
    return;
  }
  event.stopImmediatePropagation();
  // Back: [T, A] → at T, push A: [T, A'] and back() is T again. Forward: [A, T] → at T, push A:
  // [A, T, A'] and back() is T again. Either way the entry behind the restored one is the target.
  history.pushState(history.state, '', shown);
  guard.ask(() => {
    replaying = true;
    history.back();
  });
}

if (typeof window !== 'undefined') {
  const track = () => {
    shown = location.href;
  };
  // wouter dispatches these after pushState/replaceState (it patches history to do so).
  window.addEventListener('pushState', track);
  window.addEventListener('replaceState', track);
  window.addEventListener('popstate', onPopState, { capture: true });
}

/** Holds navigation behind `guard` while it is given (null: nothing to lose, nothing asked). */
export function useLeaveGuard(guard: LeaveGuard | null): void {
  useEffect(() => {
    if (!guard) return;
    active = guard;
    return () => {
      if (active === guard) active = null;
    };
  }, [guard]);
}

/**
 * Takes `guard` down at once, before the view's effect would: the person has answered "leave",
 * and a navigation that goes through `guardNavigation` again (closing the editor is one) must not
 * ask a second time.
 */
export function releaseLeaveGuard(guard: LeaveGuard | null): void {
  if (guard && active === guard) active = null;
}

/**
 * The editor stays open at an address with the same page, the same selected path and still in
 * edit mode; filtering the tree or sorting it changes other parameters and keeps it.
 */
export function keepsEditorOpen(editor: URL, to: URL): boolean {
  const same = (key: string) => editor.searchParams.get(key) === to.searchParams.get(key);
  return editor.pathname === to.pathname && same('path') && same('edit');
}
