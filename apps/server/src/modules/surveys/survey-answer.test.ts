import { describe, expect, it } from 'vitest';
import { parseSurveyAnswer } from './survey-answer.ts';

describe('reading a survey answer', () => {
  it.each([
    ['4', { rating: 4, comment: null }],
    ['4 merci !', { rating: 4, comment: 'merci !' }],
    ['5 - great', { rating: 5, comment: 'great' }],
    ['  3  ', { rating: 3, comment: null }],
    ['4/5 rapide et efficace', { rating: 4, comment: 'rapide et efficace' }],
    ['2 sur 5, trop long', { rating: 2, comment: 'trop long' }],
    ['Note : 1. Personne ne lit', { rating: 1, comment: 'Personne ne lit' }],
    ['5⭐', { rating: 5, comment: null }],
    ['5!', { rating: 5, comment: null }],
    ['1 <script>alert(1)</script>', { rating: 1, comment: '<script>alert(1)</script>' }],
    ['5 - 2 days late but fine', { rating: 5, comment: '2 days late but fine' }],
  ])('reads %j', (text, expected) => {
    expect(parseSurveyAnswer(text)).toEqual(expected);
  });

  it.each([
    '10',
    '0',
    '6',
    '4.5',
    '4,5',
    'merci 5',
    '2 questions about my order',
    '3 jours sans réponse',
    '4merci',
    '',
  ])('does not take %j for a rating', (text) => {
    expect(parseSurveyAnswer(text)).toBeNull();
  });
});
