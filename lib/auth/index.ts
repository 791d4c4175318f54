export { getSession, getRequestSession, type Session } from './session';
export { getViewer, type Viewer } from './viewer';
export { listDemoUsers, findUserForLocalSignIn } from './demo-users';
export { startLocalSession, endLocalSession } from './local-sessions';
