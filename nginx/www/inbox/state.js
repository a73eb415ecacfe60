/* What the inbox's modules share: S, the state of what shows and what is loading; E, the
   elements of the views, built after sign-in (views.js); and PAGE, the length of a page of
   conversations or contacts. */
export var PAGE = 25;

export var S = {
  role: null,  // the signed-in person's: an agent sees no campaigns and deletes no contacts
  view: 'conversations',
  me: null,  // the signed-in person: {id, name, role}
  convs: [], convTotal: 0, convMore: false, convSearch: '', convLoading: false, convSeq: 0,
  convAssignee: '', convStatus: 'open', convCounts: null,  // the list's view: '' all, 'me', 'none'
  conv: null, team: null,  // the open thread's status and assignee; who may be assigned
  contact: null, msgs: new Map(), nextBefore: null, olderLoading: false, texted: false, threadSeq: 0,
  pending: null, sending: false, arrivedWhileTyping: false,
  threadLoaded: false, maybeText: null, maybeFetch: null, maybeShown: null, maybeNote: null, deciding: false,
  refreshTimer: 0,
  contacts: [], contactsMore: false, editing: null,
  camps: [], camp: null, campEvents: 0, campSeen: {}, recips: [], recipNext: null, recipSeq: 0
};

export var E = {};
