/* eslint-disable */
// @ts-nocheck -- fixture: imports packages that are not installed (react, express, vite).
import { Router } from 'express';
import { findDocument, renameDocument } from '../models/document';
import { welcomeMail } from '../mailer';
import type { AvatarProps } from '../../app/components/Avatar';
export const router = Router();
router.get('/documents/:id', async (req, res) => res.json(await findDocument(req.db, req.params.id)));
router.post('/documents/:id/title', async (req, res) => res.json(await renameDocument(req.db, req.params.id, req.body.title)));
router.post('/welcome', (req, res) => res.send(welcomeMail(req.body.name)));
export type { AvatarProps };
