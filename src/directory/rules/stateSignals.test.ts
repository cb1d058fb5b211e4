import { UserState } from './deriveState';
import { Signal, SignalChange, SignalSource, StateSignals, parseSignals, resolveState } from './stateSignals';

const T0 = '2026-12-01T00:00:00.000Z';
const T1 = '2026-12-07T12:00:00.000Z';

const idp = (state: UserState, active: boolean | null, reason = `active=${active}`): Signal => ({ state, reason, at: T0, active });
const hold = (reason: string): Signal => ({ state: 'inactive', reason, at: T0 });
/** An IdP push whose deriveState verdict is `state`, carrying `active` (undefined: absent from the push). */
const push = (state: UserState, active: boolean | undefined, reasons = [`active=${active}`]): SignalChange => ({
  source: 'idp',
  verdict: { state, reasons, unknown: [], conflict: false },
  active,
});

type Row = {
  name: string;
  stored: StateSignals;
  change: SignalChange;
  state: UserState;
  heldBy: SignalSource[];
  lifted: SignalSource[];
  /** What the audit log gives as the reason. */
  reasons: string[];
};

const IDLE = 'no sign-in for 31 days (limit 30)';
const GONE = 'not found by the pull of 2026-12-07';

const table: Row[] = [
  {
    name: 'the IdP alone: its verdict is the state (a first push)',
    stored: {},
    change: push('active', true),
    state: 'active', heldBy: [], lifted: [],
    reasons: ['idp: active (active=true)'],
  },
  {
    name: 'the IdP alone: active=false makes the person inactive',
    stored: { idp: idp('active', true) },
    change: push('inactive', false),
    state: 'inactive', heldBy: ['idp'], lifted: [],
    reasons: ['idp: inactive (active=false)'],
  },
  {
    name: 'the IdP alone: a status rule wins over active=true (the more restrictive)',
    stored: { idp: idp('active', true) },
    change: push('inactive', true, ['active=true', 'employeeStatus "Terminated" → inactive']),
    state: 'inactive', heldBy: ['idp'], lifted: [],
    reasons: ['idp: inactive (active=true; employeeStatus "Terminated" → inactive)'],
  },
  {
    name: 'idle sets its decision while the IdP says active',
    stored: { idp: idp('active', true) },
    change: { source: 'idle', state: 'inactive', reason: IDLE },
    state: 'inactive', heldBy: ['idle'], lifted: [],
    reasons: ['idp: active (active=true)', `idle: inactive (${IDLE})`],
  },
  {
    name: "a push that merely repeats active=true lifts nothing: idle's decision stands",
    stored: { idp: idp('active', true), idle: hold(IDLE) },
    change: push('active', true),
    state: 'inactive', heldBy: ['idle'], lifted: [],
    reasons: ['idp: active (active=true)', `idle: inactive (${IDLE})`],
  },
  {
    name: 'a profile push without `active` lifts nothing either',
    stored: { idp: idp('active', true), idle: hold(IDLE) },
    change: push('active', undefined, ['no state signal; kept active']),
    state: 'inactive', heldBy: ['idle'], lifted: [],
    reasons: ['idp: active (no state signal; kept active)', `idle: inactive (${IDLE})`],
  },
  {
    name: 'the IdP turning active from false to true is an explicit reactivation: it lifts idle',
    stored: { idp: idp('inactive', false), idle: hold(IDLE) },
    change: push('active', true),
    state: 'active', heldBy: [], lifted: ['idle'],
    reasons: ['idp: active (active=true)'],
  },
  {
    name: 'idle lifts its own decision (a sign-in was seen)',
    stored: { idp: idp('active', true), idle: hold(IDLE) },
    change: { source: 'idle', state: 'active', reason: 'signed in' },
    state: 'active', heldBy: [], lifted: [],
    reasons: ['idp: active (active=true)'],
  },
  {
    name: "lifting idle leaves another source's decision in place",
    stored: { idp: idp('active', true), idle: hold(IDLE), pull: hold(GONE) },
    change: { source: 'idle', state: 'active', reason: 'signed in' },
    state: 'inactive', heldBy: ['pull'], lifted: [],
    reasons: ['idp: active (active=true)', `pull: inactive (${GONE})`],
  },
  {
    name: 'a pull lifts its own decision (the person is found again)',
    stored: { idp: idp('active', true), pull: hold(GONE) },
    change: { source: 'pull', state: 'active', reason: 'found' },
    state: 'active', heldBy: [], lifted: [],
    reasons: ['idp: active (active=true)'],
  },
  {
    name: "a support reactivation lifts every other source's hold but the IdP's",
    stored: { idp: idp('active', true), idle: hold(IDLE), pull: hold(GONE) },
    change: { source: 'support', state: 'active', reason: 'ticket 42' },
    state: 'active', heldBy: [], lifted: ['pull', 'idle'],
    reasons: ['idp: active (active=true)'],
  },
  {
    name: 'support cannot overrule the IdP: only the IdP lifts its own inactive',
    stored: { idp: idp('inactive', false), idle: hold(IDLE) },
    change: { source: 'support', state: 'active', reason: 'ticket 43' },
    state: 'inactive', heldBy: ['idp'], lifted: ['idle'],
    reasons: ['idp: inactive (active=false)'],
  },
  {
    name: 'a support deactivation holds through pushes that repeat active=true',
    stored: { idp: idp('active', true), support: hold('ticket 44: contractor left') },
    change: push('active', true),
    state: 'inactive', heldBy: ['support'], lifted: [],
    reasons: ['idp: active (active=true)', 'support: inactive (ticket 44: contractor left)'],
  },
  {
    name: 'both the IdP and idle say inactive: both are named',
    stored: { idp: idp('active', true), idle: hold(IDLE) },
    change: push('inactive', false),
    state: 'inactive', heldBy: ['idp', 'idle'], lifted: [],
    reasons: ['idp: inactive (active=false)', `idle: inactive (${IDLE})`],
  },
  {
    name: 'nothing new (a policy switch) keeps every decision as it stands',
    stored: { idp: idp('active', true), idle: hold(IDLE) },
    change: { source: 'none' },
    state: 'inactive', heldBy: ['idle'], lifted: [],
    reasons: ['idp: active (active=true)', `idle: inactive (${IDLE})`],
  },
  {
    name: 'no source has a say: active',
    stored: {},
    change: { source: 'none' },
    state: 'active', heldBy: [], lifted: [],
    reasons: [],
  },
];

describe('resolveState: signals from each source → state, and the reason the audit log gives', () => {
  test.each(table)('$name', ({ stored, change, state, heldBy, lifted, reasons }) => {
    const r = resolveState(stored, change, T1);
    expect({ state: r.state, heldBy: r.heldBy, lifted: r.lifted, reasons: r.reasons }).toEqual({ state, heldBy, lifted, reasons });
    // The signals kept say the same as the resolution.
    expect(resolveState(r.signals, { source: 'none' }, T1).state).toBe(state);
  });

  test('a push records the IdP\'s `active`; an absent one keeps the last known', () => {
    expect(resolveState({}, push('active', true), T1).signals.idp).toEqual({ state: 'active', reason: 'active=true', at: T1, active: true });
    const kept = resolveState({ idp: idp('inactive', false) }, push('inactive', undefined, ['no state signal; kept inactive']), T1);
    expect(kept.signals.idp?.active).toBe(false);
  });

  test('a push that repeats the same verdict keeps the signal as stored, time included', () => {
    const stored = { idp: idp('active', true) };
    expect(resolveState(stored, push('active', true), T1).signals).toEqual(stored);
  });

  test('a source sets its decision with the time given', () => {
    expect(resolveState({}, { source: 'idle', state: 'inactive', reason: IDLE }, T1).signals).toEqual({
      idle: { state: 'inactive', reason: IDLE, at: T1 },
    });
  });
});

describe('parseSignals', () => {
  test('keeps well-formed signals and drops anything else', () => {
    const stored = {
      idp: { state: 'active', reason: 'active=true', at: T0, active: true },
      idle: { state: 'inactive', reason: IDLE, at: T0 },
      pull: { state: 'gone', reason: 'x', at: T0 },
      support: 'inactive',
      surprise: { state: 'inactive', reason: 'x', at: T0 },
    };
    expect(parseSignals(stored)).toEqual({ idp: stored.idp, idle: stored.idle });
  });

  test.each([null, [], 'x', 7])('unreadable %p is no signals', (value) => {
    expect(parseSignals(value)).toEqual({});
  });

  test('a record from before signals were kept reads the IdP signal from its `active` and state', () => {
    expect(parseSignals({}, { active: false, state: 'inactive', at: T1 })).toEqual({
      idp: { state: 'inactive', reason: 'recorded before state signals were kept', at: T1, active: false },
    });
  });
});
