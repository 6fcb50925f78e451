import {
  addNoteRequestSchema,
  addTagRequestSchema,
  apiErrorSchema,
  contactProfileSchema,
  noteSchema,
} from '@guichet/contracts';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { addContactNote, addContactTag, removeContactTag, type ContactDeps } from './contacts.commands.ts';
import { findContactProfile } from './contacts.queries.ts';

const contactParams = z.object({ contactId: z.string().min(1).max(100) });
const errors = { 400: apiErrorSchema, 404: apiErrorSchema };

export function registerContactRoutes(app: HttpApp, deps: ContactDeps): void {
  const profile = async (workspaceId: string, contactId: string) => {
    const found = await findContactProfile(deps.db, workspaceId, contactId);
    if (!found) throw new AppError('contact.not_found', 'not_found', 'This contact does not exist.');
    return found;
  };

  app.get(
    '/api/contacts/:contactId',
    {
      schema: {
        tags: ['contacts'],
        summary: 'A contact: profile, tags, notes and every case',
        params: contactParams,
        response: { 200: contactProfileSchema, 404: apiErrorSchema },
      },
    },
    async (request) => profile(requireAuth(request).workspaceId, request.params.contactId),
  );

  app.post(
    '/api/contacts/:contactId/notes',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Add an internal note about the contact',
        params: contactParams,
        body: addNoteRequestSchema,
        response: { 201: noteSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addContactNote(deps, requireAuth(request), request.params.contactId, request.body.body)),
  );

  app.post(
    '/api/contacts/:contactId/tags',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Tag the contact, creating the tag if it is new',
        params: contactParams,
        body: addTagRequestSchema,
        response: { 200: contactProfileSchema, ...errors },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      await addContactTag(deps, session, request.params.contactId, request.body.name);
      return profile(session.workspaceId, request.params.contactId);
    },
  );

  app.delete(
    '/api/contacts/:contactId/tags/:tagId',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Remove a tag from the contact',
        params: contactParams.extend({ tagId: z.string().min(1).max(100) }),
        response: { 200: contactProfileSchema, ...errors },
      },
    },
    async (request) => {
      const session = requireAuth(request);
      await removeContactTag(deps, session, request.params.contactId, request.params.tagId);
      return profile(session.workspaceId, request.params.contactId);
    },
  );
}
