import { oktaSignIns } from './oktaEvents';

const D = 'directory_01J00000000000000000000000';
const at = '2026-01-10T09:00:00.000Z';
const sso = (actor: object, extra: object = {}) => ({ eventType: 'user.authentication.sso', published: at, actor, ...extra });

describe('oktaSignIns (Okta event hook deliveries → sign-in signals)', () => {
  test.each([
    {
      name: 'an SSO names the person by Okta id and by login',
      events: [sso({ id: '00u1', alternateId: 'ada@acme.test', type: 'User' })],
      expected: [
        { event: 0, user: { external_id: '00u1' } },
        { event: 0, user: { user_name: 'ada@acme.test' } },
      ],
    },
    {
      name: 'an Okta sign-in (user.session.start) counts too',
      events: [{ eventType: 'user.session.start', published: at, actor: { id: '00u2' } }],
      expected: [{ event: 0, user: { external_id: '00u2' } }],
    },
    {
      name: 'other event types give nothing',
      events: [{ eventType: 'user.lifecycle.deactivate', published: at, actor: { id: '00u1' } }, { eventType: 'user.session.end', published: at, actor: { id: '00u1' } }],
      expected: [],
    },
    {
      name: 'an actor that is not a user (an API client) gives nothing',
      events: [sso({ id: '0oa1', alternateId: 'dsync', type: 'PublicClientApp' })],
      expected: [],
    },
    {
      name: 'events without a usable time or person give nothing; the others still count',
      events: [sso({ id: '00u1' }, { published: 'yesterday' }), sso({}), sso({ id: '' }), sso({ id: 42 }), 'x', null, sso({ id: 'nul\u0000' }), sso({ id: '00u9' })],
      expected: [{ event: 7, user: { external_id: '00u9' } }],
    },
  ])('$name', ({ events, expected }) => {
    const { signals } = oktaSignIns(D, events);
    expect(signals.map((s) => ({ event: s.event, user: s.signal.user }))).toEqual(expected);
    for (const s of signals) expect(s.signal).toMatchObject({ directory_id: D, occurred_at: new Date(at), kind: 'sign_in' });
  });
});
