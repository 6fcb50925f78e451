import {
  applyMacroResultSchema,
  starterLibraryResultSchema,
  templateFolderListSchema,
  templateFolderSchema,
  templateSchema,
  type ApplyMacroResult,
  type StarterLibraryResult,
  type Template,
  type TemplateFolder,
  type TemplateFolderList,
} from '@guichet/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { HttpClient } from '../../api/http.ts';
import { endSession } from '../auth/session.ts';

const folderPath = (folderId: string) => `/api/template-folders/${encodeURIComponent(folderId)}`;

/** Folders of saved replies, macros applied to a case, the starter library (issue 13, item 6). */
export function createMacrosApi(http: HttpClient) {
  return {
    listFolders: (signal?: AbortSignal): Promise<TemplateFolderList> =>
      http.json('GET', '/api/template-folders', templateFolderListSchema, { signal }),
    createFolder: (name: string): Promise<TemplateFolder> =>
      http.json('POST', '/api/template-folders', templateFolderSchema, { body: { name } }),
    renameFolder: (folderId: string, name: string): Promise<TemplateFolder> =>
      http.json('PUT', folderPath(folderId), templateFolderSchema, { body: { name } }),
    deleteFolder: (folderId: string): Promise<void> => http.empty('DELETE', folderPath(folderId)),
    moveTemplate: (templateId: string, folderId: string | null): Promise<Template> =>
      http.json('PUT', `/api/templates/${encodeURIComponent(templateId)}/folder`, templateSchema, {
        body: { folderId },
      }),
    applyMacro: (caseId: string, templateId: string, key: string): Promise<ApplyMacroResult> =>
      http.json(
        'POST',
        `/api/cases/${encodeURIComponent(caseId)}/macros/${encodeURIComponent(templateId)}`,
        applyMacroResultSchema,
        { body: { key } },
      ),
    importStarterLibrary: (folderName: string): Promise<StarterLibraryResult> =>
      http.json('POST', '/api/templates/starter-library', starterLibraryResultSchema, { body: { folderName } }),
  };
}

export function useMacrosApi() {
  const queryClient = useQueryClient();
  return useMemo(
    () => createMacrosApi(new HttpClient({ onUnauthorized: () => endSession(queryClient) })),
    [queryClient],
  );
}

export const templateFoldersKey = ['template-folders'] as const;
