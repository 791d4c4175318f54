import { describe, expect, it } from 'vitest';
import { addressProblem, literalAddress } from '@/lib/webhooks/safe-address';
import { webhookUrlProblem } from '@/lib/webhooks/url';

/** Every spelling of an internal address is refused in production; public ones pass. */

const REFUSED_HOSTS = [
  // from the report
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[0:0:0:0:0:ffff:127.0.0.1]',
  '[::127.0.0.1]',
  'localhost.',
  '[::ffff:a9fe:a9fe]',
  '[::ffff:10.0.0.1]',
  '[::ffff:c0a8:1]',
  // IPv4 in decimal, hex, octal and short forms, trailing dots
  '127.0.0.1',
  '2130706433',
  '0x7f000001',
  '0x7f.0.0.1',
  '0177.0.0.1',
  '017700000001',
  '127.1',
  '127.0.1',
  '127.0.0.1.',
  '0',
  'localhost',
  'LOCALHOST..',
  'hooks.localhost',
  // ranges
  '10.1.2.3',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '100.64.0.1',
  '100.127.255.254',
  '169.254.169.254',
  '0.0.0.0',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '255.255.255.255',
  '192.0.0.8',
  '198.18.0.1',
  '198.19.255.255',
  '192.0.2.1',
  '198.51.100.7',
  '203.0.113.9',
  '192.88.99.1',
  // IPv6
  '[::1]',
  '[::]',
  '[0:0:0:0:0:0:0:1]',
  '[fc00::1]',
  '[fd12:3456::1]',
  '[fe80::1]',
  '[febf::1]',
  '[fec0::1]',
  '[ff02::1]',
  '[2001:db8::1]',
  '[::a9fe:a9fe]',
  '[64:ff9b::7f00:1]',
  '[2002:7f00:1::]',
  '[100::1]',
  '[3fff::1]',
];

const ALLOWED_HOSTS = [
  'example.com',
  '93.184.216.34',
  '8.8.8.8',
  '1.1.1.1',
  '172.32.0.1',
  '100.128.0.1',
  '[2606:4700:4700::1111]',
  '[2001:4860:4860::8888]',
  '[::ffff:8.8.8.8]',
  '[64:ff9b::808:808]',
];

describe('webhook URLs in production', () => {
  it.each(REFUSED_HOSTS)('refuses https://%s/', (host) => {
    expect(webhookUrlProblem(`https://${host}:8443/hook`, 'production')).toMatch(/public host/);
  });

  it.each(ALLOWED_HOSTS)('accepts https://%s/', (host) => {
    expect(webhookUrlProblem(`https://${host}/hook`, 'production')).toBeNull();
  });

  it('keeps the development exception explicit: on in development and test only', () => {
    expect(webhookUrlProblem('http://127.0.0.1:4000/hook', 'development')).toBeNull();
    expect(webhookUrlProblem('https://[::ffff:127.0.0.1]/hook', 'test')).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:4000/hook', 'production')).not.toBeNull();
    expect(webhookUrlProblem('https://10.0.0.1/hook', 'staging')).not.toBeNull();
  });
});

describe('addressProblem', () => {
  it('reads every form of an address as bytes', () => {
    expect(literalAddress('0x7f.1')).toBe('127.0.0.1');
    expect(literalAddress('2130706433')).toBe('127.0.0.1');
    expect(literalAddress('0177.0.0.01')).toBe('127.0.0.1');
    expect(literalAddress('example.com')).toBeNull();
    expect(addressProblem('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressProblem('::ffff:a9fe:a9fe')).toMatch(/link-local/);
    expect(addressProblem('fd00::1')).toBe('unique-local');
    expect(addressProblem('8.8.8.8')).toBeNull();
    expect(addressProblem('2606:4700::1')).toBeNull();
    expect(addressProblem('not-an-ip')).toBe('not an IP address');
  });
});
