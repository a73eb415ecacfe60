/* The parts of index.html the inbox uses, there before sign-in: the sign-in form, the bar's
   nav, connection line, notification controls and sign-out button, and the element the views
   are built in. */
function $(id) { return document.getElementById(id); }

export var signin = $('signin'), signinForm = $('signin-form'), emailBox = $('signin-email'), passwordBox = $('signin-password'), signinErr = $('signin-error');
export var nav = document.querySelector('.nav'), signOutBtn = $('sign-out'), conn = $('conn'), app = $('app');
export var navButtons = { conversations: $('nav-conversations'), contacts: $('nav-contacts'), campaigns: $('nav-campaigns'), people: $('nav-people'), reports: $('nav-reports') };
export var notifyBar = $('notify'), allowBtn = $('notify-allow'), soundBox = $('notify-sound');
export var emailBtn = $('notify-email'), emailPanel = $('email-alerts');
